// Plugins changing what goes upstream and what comes back, through the real proxy: request
// headers/path/query/method/body, response headers, body_filter streaming chunk by chunk, the
// buffered `response` phase, and kong.log.serialize in a log phase that runs after the client
// already has its response.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { definePlugin, type AnyPluginDefinition } from '../../src/pdk/index.ts';
import { pluginRow } from '../../src/pipeline/index.ts';
import { entitySet, route, service, target, upstream as upstreamEntity } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

const BIG = 4 * 1024 * 1024;
const EMPTY_SCHEMA = { config: { type: 'record', fields: {} } } as const;

const mutator = definePlugin({
  name: 'mutator', version: '1.0.0', priority: 900, schema: EMPTY_SCHEMA,
  async access(kong) {
    const original = await kong.request.get_raw_body();
    kong.service.request.set_header('X-Added', 'yes');
    kong.service.request.clear_header('X-Remove-Me');
    kong.service.request.set_path('/changed path');
    kong.service.request.set_raw_query('a=1&b=two');
    kong.service.request.set_method('PUT');
    kong.service.request.set_raw_body(`new body (was ${original.length} bytes)`);
    kong.response.set_header('X-From-Access', 'set before the upstream answered');
  },
  header_filter(kong) {
    kong.response.set_header('X-Seen-Status', String(kong.service.response.get_status()));
    kong.response.clear_header('X-Secret');
  },
}) as AnyPluginDefinition;

const uppercase = definePlugin({
  name: 'uppercase', version: '1.0.0', priority: 800, schema: EMPTY_SCHEMA,
  body_filter(kong) {
    const { chunk } = kong.response.get_chunk();
    kong.response.set_chunk(chunk.toString().toUpperCase());
  },
}) as AnyPluginDefinition;

const reverser = definePlugin({
  name: 'reverser', version: '1.0.0', priority: 700, schema: EMPTY_SCHEMA,
  response(kong) {
    const body = kong.service.response.get_raw_body()?.toString() ?? '';
    kong.response.set_raw_body([...body].reverse().join(''));
    kong.response.set_header('X-Buffered-Length', String(body.length));
  },
}) as AnyPluginDefinition;

// A body_filter that grows the body and tries to set a header once the head is decided.
const growerLate = definePlugin({
  name: 'grower', version: '1.0.0', priority: 650, schema: EMPTY_SCHEMA,
  body_filter(kong) {
    const { chunk, eof } = kong.response.get_chunk();
    kong.response.set_header('X-Too-Late', 'set in body_filter');
    kong.response.set_chunk(eof ? `${chunk.toString()}+grown` : chunk);
  },
}) as AnyPluginDefinition;

let otherPort = 0;
const redirector = definePlugin({
  name: 'redirector', version: '1.0.0', priority: 600, schema: EMPTY_SCHEMA,
  access(kong) {
    if (kong.request.get_header('x-to') === 'target') kong.service.set_target('127.0.0.1', otherPort);
    if (kong.request.get_header('x-to') === 'upstream') {
      const result = kong.service.set_upstream('other-pool');
      if (result !== true) return kong.response.exit(500, { message: result[1] });
    }
    if (kong.request.get_header('x-to') === 'missing') {
      const result = kong.service.set_upstream('no-such-pool');
      if (result !== true) return kong.response.exit(500, { message: result[1] });
    }
    return undefined;
  },
}) as AnyPluginDefinition;

const logged: Array<Record<string, unknown>> = [];
let releaseLog: () => void = () => undefined;
let logBlocked: Promise<void> = Promise.resolve();

const recorder = definePlugin({
  name: 'recorder', version: '1.0.0', priority: 5, schema: EMPTY_SCHEMA,
  async log(kong) {
    await logBlocked;
    logged.push(kong.log.serialize());
  },
}) as AnyPluginDefinition;

describe('plugins mutating requests and responses', () => {
  let upstream: Upstream;
  let other: Upstream;
  let proxy: PluginProxyHarness;
  let releaseStream: () => void = () => undefined;

  before(async () => {
    upstream = await startUpstream((req, res, body) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '18' });
        res.write('first-chunk ');
        // The rest waits for the test: the client must see the first, filtered, chunk first.
        new Promise<void>((resolve) => { releaseStream = resolve; }).then(() => res.end('second'));
        return;
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(Buffer.alloc(BIG, 'a'));
        return;
      }
      const payload = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString() });
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Secret': 'upstream-only' });
      res.end(payload);
    });
    other = await startUpstream((_req, res) => { res.writeHead(200, { 'X-Served-By': 'other' }); res.end('other'); });
    otherPort = other.port;
    const pool = upstreamEntity({ name: 'other-pool' });
    const svc = service({ port: upstream.port });
    const redirect = route({ service: svc, paths: ['/redirect'] });
    const mutate = route({ service: svc, paths: ['/mutate'] });
    const stream = route({ service: svc, paths: ['/stream', '/big'], strip_path: false });
    const buffered = route({ service: svc, paths: ['/buffered'] });
    const plain = route({ service: svc, paths: ['/plain'] });
    const both = route({ service: svc, paths: ['/both'] });
    proxy = await startProxyWithPlugins(entitySet({
      services: [svc], routes: [mutate, stream, buffered, plain, redirect, both],
      upstreams: [pool], targets: [target(pool, `127.0.0.1:${other.port}`)],
      plugins: [
        pluginRow('mutator', {}, { route: mutate.id }),
        pluginRow('uppercase', {}, { route: stream.id }),
        pluginRow('reverser', {}, { route: buffered.id }),
        pluginRow('recorder', {}),
        pluginRow('redirector', {}, { route: redirect.id }),
        pluginRow('reverser', {}, { route: both.id }),
        pluginRow('grower', {}, { route: both.id }),
      ],
    }), [mutator, uppercase, reverser, recorder, redirector, growerLate]);
  });
  after(async () => { releaseStream(); await proxy.close(); await upstream.close(); await other.close(); });

  it('sends the request where kong.service.set_target / set_upstream point', async () => {
    const plain = await fetch(`${proxy.url}/redirect`);
    assert.equal(plain.headers.get('x-served-by'), null);
    await plain.arrayBuffer();
    for (const to of ['target', 'upstream']) {
      const res = await fetch(`${proxy.url}/redirect`, { headers: { 'X-To': to } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-served-by'), 'other');
      assert.equal(await res.text(), 'other');
    }
    const missing = await fetch(`${proxy.url}/redirect`, { headers: { 'X-To': 'missing' } });
    assert.equal(missing.status, 500);
    assert.deepEqual(await missing.json(), { message: "could not find an Upstream named 'no-such-pool'" });
  });

  it('applies request changes upstream and response header changes downstream', async () => {
    const res = await fetch(`${proxy.url}/mutate/original?x=1`, {
      method: 'POST', body: 'hello', headers: { 'X-Remove-Me': 'secret', 'X-Keep': 'kept' },
    });
    assert.equal(res.status, 201);
    const seen = await res.json() as { method: string; url: string; headers: Record<string, string>; body: string };
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/changed%20path?a=1&b=two');
    assert.equal(seen.body, 'new body (was 5 bytes)');
    assert.equal(seen.headers['content-length'], String(Buffer.byteLength('new body (was 5 bytes)')));
    assert.equal(seen.headers['x-added'], 'yes');
    assert.equal(seen.headers['x-remove-me'], undefined);
    assert.equal(seen.headers['x-keep'], 'kept');
    assert.equal(res.headers.get('x-from-access'), 'set before the upstream answered');
    assert.equal(res.headers.get('x-seen-status'), '201');
    assert.equal(res.headers.get('x-secret'), null);
    assert.equal(res.headers.get('via'), '1.1 kong/3.10.0');
  });

  it('streams body_filter output chunk by chunk', async () => {
    const { status, first, rest } = await new Promise<{ status: number; first: string; rest: Promise<string> }>((resolve, reject) => {
      const req = request(`${proxy.url}/stream`, (res) => {
        let text = '';
        let resolveRest: (value: string) => void = () => undefined;
        const rest = new Promise<string>((done) => { resolveRest = done; });
        res.once('data', (chunk: Buffer) => {
          resolve({ status: res.statusCode!, first: chunk.toString(), rest });
          res.on('data', (more: Buffer) => { text += more.toString(); });
          res.on('end', () => resolveRest(text));
        });
        res.once('error', reject);
        // The transformed body may change size, so it is sent chunked.
        assert.equal(res.headers['content-length'], undefined);
      });
      req.once('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.equal(first, 'FIRST-CHUNK ');
    releaseStream();
    assert.equal(await rest, 'SECOND');
  });

  it('filters a large body completely, with backpressure from a slow reader', async () => {
    const res = await fetch(`${proxy.url}/big`);
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let total = 0;
    let allUpper = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (value.includes(0x61)) allUpper = false;
      if (total < BIG / 2) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal(total, BIG);
    assert.ok(allUpper);
  });

  it('buffers the upstream body for the response phase and fixes Content-Length', async () => {
    const res = await fetch(`${proxy.url}/buffered`);
    assert.equal(res.status, 201);
    const text = await res.text();
    const original = [...text].reverse().join('');
    assert.equal((JSON.parse(original) as { url: string }).url, '/');
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.equal(res.headers.get('x-buffered-length'), String(original.length));
  });

  it('runs body_filter over a buffered body before the head: real Content-Length, head as header_filter left it', async () => {
    logged.length = 0;
    const res = await fetch(`${proxy.url}/both`);
    assert.equal(res.status, 201);
    const text = await res.text();
    assert.ok(text.endsWith('+grown'), text);
    const original = [...text.slice(0, -'+grown'.length)].reverse().join('');
    assert.equal((JSON.parse(original) as { url: string }).url, '/');
    // Not chunked: the filtered length is known before the head goes out.
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.equal(res.headers.get('transfer-encoding'), null);
    assert.equal(res.headers.get('x-too-late'), null);
    await waitFor(() => logged.length === 1);
    const entry = logged[0] as { response: { headers: Record<string, string> } };
    assert.equal(entry.response.headers['content-length'], String(Buffer.byteLength(text)));
  });

  it('runs log after the client has the response, with Kong serializer fields', async () => {
    logged.length = 0;
    logBlocked = new Promise<void>((resolve) => { releaseLog = resolve; });
    const res = await fetch(`${proxy.url}/plain/p?q=1&flag`, { headers: { Authorization: 'Bearer secret-token' } });
    // The response arrived although every log handler is still blocked.
    assert.equal(res.status, 201);
    await res.arrayBuffer();
    assert.equal(logged.length, 0);
    releaseLog();
    await waitFor(() => logged.length === 1);
    const entry = logged[0] as {
      request: { uri: string; url: string; querystring: Record<string, unknown>; method: string; headers: Record<string, string>; id: string };
      upstream_uri: string; upstream_status: string; response: { status: number; headers: Record<string, string>; size: number };
      latencies: Record<string, number>; tries: Array<{ ip: string; port: number }>; route: { id: string }; service: { id: string };
      client_ip: string; started_at: number; source: string;
    };
    assert.equal(entry.request.uri, '/plain/p?q=1&flag');
    assert.equal(entry.request.url, `http://127.0.0.1:${proxy.port}/plain/p?q=1&flag`);
    assert.deepEqual(entry.request.querystring, { q: '1', flag: true });
    assert.equal(entry.request.method, 'GET');
    assert.equal(entry.request.headers.authorization, 'REDACTED');
    assert.equal(entry.request.id, res.headers.get('x-kong-request-id'));
    assert.equal(entry.upstream_uri, '/p?q=1&flag');
    assert.equal(entry.upstream_status, '201');
    assert.equal(entry.response.status, 201);
    assert.equal(entry.response.headers['x-secret'], 'upstream-only', JSON.stringify(entry.response));
    assert.ok(entry.response.size > 0);
    assert.deepEqual(Object.keys(entry.latencies).sort(), ['kong', 'proxy', 'receive', 'request']);
    assert.ok(entry.latencies.proxy! >= 0);
    assert.deepEqual(entry.tries.map((t) => [t.ip, t.port]), [['127.0.0.1', upstream.port]]);
    assert.equal(entry.client_ip, '127.0.0.1');
    assert.equal(entry.source, 'service');
    assert.ok(Math.abs(entry.started_at - Date.now()) < 5000);
    assert.equal(typeof entry.route.id, 'string');
    assert.equal(typeof entry.service.id, 'string');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
