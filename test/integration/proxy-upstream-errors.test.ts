// Upstream failures (kong-core §4.4–4.5, security-and-reliability §4.1): 502/504/503 bodies,
// retries to the next target, no retry of a POST that reached the upstream, reset mid-body.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { entitySet, route, service, target, upstream as upstreamRow } from '../helpers/proxy-entities.ts';
import { closeServer, closedPort, listenOnLoopback, startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

/** A server that reads each request and then drops the connection without answering. */
async function dropper(): Promise<{ server: Server; port: number; count: () => number }> {
  let count = 0;
  const server = createServer((req) => { count += 1; req.resume(); req.on('end', () => req.socket.destroy()); });
  const port = await listenOnLoopback(server);
  return { server, port, count: () => count };
}

describe('upstream failures', () => {
  let live: Upstream;
  let slow: Upstream;
  let resetting: Upstream;
  let dropA: Awaited<ReturnType<typeof dropper>>;
  let dropB: Awaited<ReturnType<typeof dropper>>;
  let proxy: ProxyHarness;

  before(async () => {
    live = await startUpstream();
    slow = await startUpstream((_req, res) => { setTimeout(() => { if (!res.destroyed) res.end('late'); }, 1500); });
    resetting = await startUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100000' });
      res.write(Buffer.alloc(1000, 97));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    dropA = await dropper();
    dropB = await dropper();
    const dead = await closedPort();
    const mixed = upstreamRow({ name: 'mixed.upstream' });
    const drops = upstreamRow({ name: 'drops.upstream' });
    const services = {
      refused: service({ port: dead, retries: 0 }),
      slow: service({ port: slow.port, read_timeout: 200, retries: 0 }),
      dns: service({ host: 'no-such-host.invalid', port: 80 }),
      mixed: service({ host: 'mixed.upstream', port: 80 }),
      drops: service({ host: 'drops.upstream', port: 80, retries: 1 }),
      reset: service({ port: resetting.port }),
      empty: service({ host: 'empty.upstream' }),
    };
    const empty = upstreamRow({ name: 'empty.upstream' });
    proxy = await startProxy(entitySet({
      services: Object.values(services),
      upstreams: [mixed, drops, empty],
      targets: [target(mixed, `127.0.0.1:${dead}`), target(mixed, `127.0.0.1:${live.port}`), target(drops, `127.0.0.1:${dropA.port}`), target(drops, `127.0.0.1:${dropB.port}`)],
      routes: Object.entries(services).map(([name, svc]) => route({ service: svc, paths: [`/${name}`] })),
    }));
  });
  after(async () => {
    await proxy.close();
    await Promise.all([live.close(), slow.close(), resetting.close(), closeServer(dropA.server), closeServer(dropB.server)]);
  });

  it('answers 502 with the nginx error page when nothing listens', async () => {
    const res = await send(proxy.port, '/refused');
    assert.equal(res.status, 502);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.body, `An invalid response was received from the upstream server\nrequest_id: ${res.headers['x-kong-request-id']}\n`);
    const json = await send(proxy.port, '/refused', { headers: { Accept: 'application/json' } });
    assert.equal(JSON.parse(json.body).message, 'An invalid response was received from the upstream server');
    const byContentType = await send(proxy.port, '/refused', { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: 'x' });
    assert.equal(byContentType.headers['content-type'], 'text/html; charset=utf-8');
  });

  it('answers 504 when the upstream is slower than read_timeout', async () => {
    const started = Date.now();
    const res = await send(proxy.port, '/slow');
    assert.equal(res.status, 504);
    assert.match(res.body, /^The upstream server is timing out\n/);
    assert.ok(Date.now() - started < 700, 'answered at read_timeout, before the upstream did');
  });

  it('answers 503 name resolution failed for an unresolvable host', async () => {
    const res = await send(proxy.port, '/dns');
    assert.equal(res.status, 503);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.body, `{\n  "message":"name resolution failed",\n  "request_id":"${res.headers['x-kong-request-id']}"\n}`);
  });

  it('answers 503 when an upstream has no targets', async () => {
    const res = await send(proxy.port, '/empty');
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).message, 'failure to get a peer from the ring-balancer');
  });

  it('retries a refused connection on the next target', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const res = await send(proxy.port, '/mixed/a');
      assert.equal(res.status, 200);
    }
    assert.equal(live.requests.length, 4);
  });

  it('retries a POST whose connection was refused, with its body intact', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const res = await send(proxy.port, '/mixed/post', { method: 'POST', body: `payload-${attempt}` });
      assert.equal(res.status, 200);
      assert.equal(live.requests.at(-1)!.body.toString(), `payload-${attempt}`);
    }
  });

  it('retries an idempotent request the upstream dropped, but never a POST that reached it', async () => {
    const get = await send(proxy.port, '/drops');
    assert.equal(get.status, 502);
    assert.equal(dropA.count() + dropB.count(), 2, 'GET: one try plus one retry');
    const post = await send(proxy.port, '/drops', { method: 'POST', body: 'payload' });
    assert.equal(post.status, 502);
    assert.equal(dropA.count() + dropB.count(), 3, 'POST: exactly one upstream request');
  });

  it('aborts the client connection when the upstream resets mid-body', async () => {
    await assert.rejects(send(proxy.port, '/reset'), (error: NodeJS.ErrnoException) => {
      assert.ok(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE'].includes(error.code ?? '') || /aborted/.test(error.message), error.message);
      return true;
    });
    const after = await send(proxy.port, '/mixed/after');
    assert.equal(after.status, 200);
  });
});
