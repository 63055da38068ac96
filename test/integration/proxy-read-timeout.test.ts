// service.read_timeout is the longest wait between two reads from the upstream (nginx
// proxy_read_timeout), for the response head and for every body chunk after it; it never fires
// while the proxy itself stopped reading because the client is slow (read-deadlines.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

interface Received { status: number; bytes: number; complete: boolean; ms: number }

/** GETs `path`, reading slowly when `pauseMs` is set; `complete` is false when the body was cut. */
function receive(port: number, path: string, pauseMs = 0): Promise<Received> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0;
      if (pauseMs > 0) { res.pause(); setTimeout(() => res.resume(), pauseMs); }
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, complete: true, ms: Date.now() - started }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, bytes, complete: false, ms: Date.now() - started }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, bytes, complete: false, ms: Date.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('service.read_timeout', () => {
  let stallAfterHead: Upstream;
  let drip: Upstream;
  let slowHead: Upstream;
  let bulk: Upstream;
  let proxy: ProxyHarness;
  const BULK = 8 * 1024 * 1024;

  before(async () => {
    stallAfterHead = await startUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Length': '2000' });
      res.write(Buffer.alloc(1000, 97));
      setTimeout(() => { if (!res.destroyed) res.end(Buffer.alloc(1000, 98)); }, 3000);
    });
    // Ten chunks 100 ms apart: one second in all, never 300 ms without a read.
    drip = await startUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        sent += 1;
        if (res.destroyed) { clearInterval(timer); return; }
        if (sent === 10) { clearInterval(timer); res.end('x'); } else res.write('x');
      }, 100);
    });
    slowHead = await startUpstream((_req, res) => { setTimeout(() => { if (!res.destroyed) res.end('late'); }, 4000); });
    bulk = await startUpstream((_req, res) => { res.writeHead(200, { 'Content-Length': String(BULK) }); res.end(Buffer.alloc(BULK, 99)); });
    const services = {
      stall: service({ port: stallAfterHead.port, read_timeout: 300, retries: 0 }),
      stallswept: service({ port: stallAfterHead.port, read_timeout: 2000, retries: 0 }),
      drip: service({ port: drip.port, read_timeout: 300, retries: 0 }),
      slowhead: service({ port: slowHead.port, read_timeout: 2000, retries: 0 }),
      bulk: service({ port: bulk.port, read_timeout: 200, retries: 0 }),
    };
    proxy = await startProxy(entitySet({
      services: Object.values(services),
      routes: Object.entries(services).map(([name, svc]) => route({ service: svc, paths: [`/${name}`] })),
    }));
  });
  after(async () => {
    await proxy.close();
    await Promise.all([stallAfterHead.close(), drip.close(), slowHead.close(), bulk.close()]);
  });

  it('cuts a body the upstream stops sending for longer than read_timeout', async () => {
    const got = await receive(proxy.port, '/stall');
    assert.equal(got.status, 200);
    assert.equal(got.complete, false, 'the truncation is visible to the client');
    assert.equal(got.bytes, 1000);
    assert.ok(got.ms >= 280 && got.ms < 1500, `cut after ${got.ms} ms`);
  });

  it('cuts a stalled body on the swept deadline for timeouts of 2 s and more', async () => {
    const got = await receive(proxy.port, '/stallswept');
    assert.equal(got.complete, false);
    assert.equal(got.bytes, 1000);
    assert.ok(got.ms >= 1980 && got.ms < 2900, `cut after ${got.ms} ms`);
  });

  it('answers 504 on the swept deadline when the head is late', async () => {
    const started = Date.now();
    const res = await send(proxy.port, '/slowhead');
    const ms = Date.now() - started;
    assert.equal(res.status, 504);
    assert.ok(ms >= 1980 && ms < 2900, `answered after ${ms} ms`);
  });

  it('lets a slow body through when every read comes within read_timeout', async () => {
    const got = await receive(proxy.port, '/drip');
    assert.equal(got.status, 200);
    assert.equal(got.complete, true);
    assert.equal(got.bytes, 10);
    assert.ok(got.ms >= 900, `took ${got.ms} ms, longer than read_timeout in all`);
  });

  it('does not time out while the client is slow to read (backpressure pauses the upstream)', async () => {
    const got = await receive(proxy.port, '/bulk', 700);
    assert.equal(got.status, 200);
    assert.equal(got.complete, true);
    assert.equal(got.bytes, BULK);
  });
});
