import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'http-log', config }, 'insert').config as Record<string, unknown>;

interface Received { method: string; headers: IncomingMessage['headers']; body: string; url: string }

/** A loopback log server answering with the statuses given (then 200). */
async function logServer(statuses: number[] = []) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method!, headers: req.headers, body: Buffer.concat(chunks).toString(), url: req.url! });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const waitFor = async (count: number): Promise<Received[]> => {
    const deadline = Date.now() + 3000;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} log requests, got ${received.length}`);
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 50); });
    }
    return received;
  };
  return { port, received, waitFor, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function run(config: Record<string, unknown>, requests = 1) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('http-log', validate(config))] });
  for (let i = 0; i < requests; i++) {
    await harness.request({ route, service, path: `/p${i}`, headers: { authorization: 'Bearer secret' } }, { status: 201, body: 'ok' });
  }
}

test('posts one JSON object per request with userinfo as Basic auth and custom headers', async () => {
  const server = await logServer();
  try {
    await run({
      http_endpoint: `http://user:pa%20ss@127.0.0.1:${server.port}/logs`,
      method: 'PUT', content_type: 'application/json; charset=utf-8',
      headers: { 'X-Token': 't1' }, queue: { max_coalescing_delay: 0.01 },
    });
    const [got] = await server.waitFor(1);
    assert.equal(got!.method, 'PUT');
    assert.equal(got!.url, '/logs');
    assert.equal(got!.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(got!.headers.authorization, `Basic ${Buffer.from('user:pa ss').toString('base64')}`);
    assert.equal(got!.headers['x-token'], 't1');
    const entry = JSON.parse(got!.body);
    assert.equal(Array.isArray(entry), false);
    assert.equal(entry.response.status, 201);
    assert.equal(entry.request.uri, '/p0');
  } finally {
    await server.close();
  }
});

test('batches become JSON arrays; custom_fields templates and constant custom_fields_by_lua apply', async () => {
  const server = await logServer();
  try {
    await run({
      http_endpoint: `http://127.0.0.1:${server.port}/`,
      queue: { max_batch_size: 3, max_coalescing_delay: 0.05 },
      custom_fields: { 'extra.method': '$(request.method)', label: 'uri=$(request.uri)' },
      custom_fields_by_lua: { constant: 'return 42', client_ip: 'return nil' },
    }, 3);
    const [got] = await server.waitFor(1);
    const batch = JSON.parse(got!.body);
    assert.equal(batch.length, 3);
    assert.deepEqual(batch.map((entry: { label: string }) => entry.label), ['uri=/p0', 'uri=/p1', 'uri=/p2']);
    assert.equal(batch[0].extra.method, 'GET');
    assert.equal(batch[0].constant, 42);
    assert.equal('client_ip' in batch[0], false);
  } finally {
    await server.close();
  }
});

test('a status >= 300 is a failure that the queue retries', async () => {
  const server = await logServer([500, 302]);
  try {
    await run({ http_endpoint: `http://127.0.0.1:${server.port}/`, queue: { max_coalescing_delay: 0.01, initial_retry_delay: 0.01 } });
    const all = await server.waitFor(3);
    assert.equal(all.length, 3);
    assert.equal(all[0]!.body, all[2]!.body);
  } finally {
    await server.close();
  }
});

test('schema: forbidden headers, Authorization with userinfo, Lua code, bad method', () => {
  const fails = (config: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => validate({ http_endpoint: 'http://127.0.0.1:1/', ...config }), (error: Error & { fields?: unknown }) => pattern.test(JSON.stringify(error.fields ?? error.message)));
  fails({ headers: { Host: 'x' } }, /cannot contain 'Host' header/);
  fails({ headers: { 'content-type': 'x' } }, /cannot contain 'Content-Type' header/);
  fails({ http_endpoint: 'http://u:p@127.0.0.1:1/', headers: { Authorization: 'x' } }, /specifying both an 'Authorization' header and user info/);
  fails({ custom_fields_by_lua: { a: 'return kong.request.get_header("x")' } }, /Portico runs no Lua/);
  fails({ method: 'GET' }, /expected one of: POST, PUT, PATCH/);
  const defaults = validate({ http_endpoint: 'http://127.0.0.1:1/' });
  assert.equal(defaults.method, 'POST');
  assert.equal(defaults.content_type, 'application/json');
  assert.equal(defaults.timeout, 10000);
  assert.equal(defaults.keepalive, 60000);
  assert.equal((defaults.queue as { max_batch_size: number }).max_batch_size, 1);
});
