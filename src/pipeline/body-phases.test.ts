import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin, PluginRequestContext } from '../pdk/index.ts';
import { makeRoute, makeService } from '../router/test-fixtures.ts';
import { createPluginHarness, pluginRow } from './harness.ts';
import { PluginRun } from './runner.ts';

const service = makeService({ name: 'body' });
const route = makeRoute({ name: 'body', paths: ['/'], service: { id: service.id } });
const config = { type: 'record', fields: {} } as const;

test('body_filter sees every chunk; a plugin buffering with get_raw_body can rewrite the whole body', async () => {
  const seen: string[] = [];
  const upper = definePlugin({
    name: 't-upper', version: '1', priority: 20, schema: { config },
    body_filter(kong) {
      const body = kong.response.get_raw_body();
      if (body !== null) kong.response.set_raw_body(body.toString().toUpperCase());
    },
  });
  const spy = definePlugin({
    name: 't-spy', version: '1', priority: 10, schema: { config },
    body_filter(kong) { seen.push(String(kong.response.get_raw_body() ?? '<partial>')); },
  });
  const harness = await createPluginHarness({ plugins: [upper, spy], rows: [pluginRow('t-upper', {}), pluginRow('t-spy', {})] });
  const result = await harness.request({ route, service }, { body: 'hello world', chunkSize: 4 });
  assert.equal(result.body, 'HELLO WORLD');
  assert.equal(result.run.needsResponseBuffering, false);
  // Three chunks of 4 bytes: nothing complete until the last, then the rewritten body.
  assert.deepEqual(seen, ['<partial>', '<partial>', 'HELLO WORLD']);
});

test('a response-phase plugin makes the upstream response buffered and may replace body, status and headers', async () => {
  const wrap = definePlugin({
    name: 't-wrap', version: '1', priority: 5, schema: { config },
    response(kong) {
      const upstream = kong.service.response.get_body() as { n: number };
      kong.response.set_status(kong.service.response.get_status()! + 1);
      kong.response.set_header('X-Upstream-Type', kong.service.response.get_header('Content-Type') ?? 'none');
      kong.response.set_raw_body(JSON.stringify({ wrapped: upstream.n }));
    },
  });
  const harness = await createPluginHarness({ plugins: [wrap], rows: [pluginRow('t-wrap', {})] });
  const result = await harness.request({ route, service }, { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"n":7}' });
  assert.equal(result.run.needsResponseBuffering, true);
  assert.equal(result.status, 201);
  assert.equal(result.body, '{"wrapped":7}');
  assert.equal(result.headers['x-upstream-type'], 'application/json');
});

test('headers set in access override the upstream ones of the same name; upstream headers stay otherwise', async () => {
  const setter = definePlugin({
    name: 't-setter', version: '1', priority: 5, schema: { config },
    access(kong) { kong.response.set_header('X-Both', 'plugin'); },
    header_filter(kong) { kong.response.add_header('X-Seen', kong.response.get_header('x-upstream-only') ?? 'missing'); },
  });
  const harness = await createPluginHarness({ plugins: [setter], rows: [pluginRow('t-setter', {}, { service: service.id })] });
  const result = await harness.request({ route, service }, { headers: { 'X-Both': 'upstream', 'X-Upstream-Only': 'u' } });
  assert.equal(result.headers['x-both'], 'plugin');
  assert.equal(result.headers['x-upstream-only'], 'u');
  assert.equal(result.headers['x-seen'], 'u');
});

test('an async access handler is awaited before the next plugin looks up its config', async () => {
  const consumer = { id: '22222222-2222-4222-8222-222222222222', created_at: 0, updated_at: 0, username: 'bob', custom_id: null, tags: null };
  const slowAuth = definePlugin({
    name: 't-slow-auth', version: '1', priority: 1000, schema: { config },
    async access(kong) {
      const loaded = await kong.cache.get('consumers:bob', null, async () => consumer);
      kong.client.authenticate(loaded, null);
    },
  });
  const limit = definePlugin({
    name: 't-limit', version: '1', priority: 900, schema: { config: { type: 'record', fields: { n: { type: 'integer' } } } },
    access(kong, conf) { kong.response.set_header('X-Limit', String(conf.n)); },
  });
  const rows = [pluginRow('t-slow-auth', {}), pluginRow('t-limit', { n: 1 }), pluginRow('t-limit', { n: 99 }, { consumer: consumer.id })];
  const harness = await createPluginHarness({ plugins: [slowAuth, limit], rows });
  const result = await harness.request({ route, service });
  assert.equal(result.headers['x-limit'], '99');
});

test('phases return no promise when every handler is synchronous, a promise once one is async', async () => {
  const sync = definePlugin({ name: 't-sync', version: '1', priority: 2, schema: { config }, access(kong) { kong.ctx.shared.sync = true; } });
  const later = definePlugin({ name: 't-async', version: '1', priority: 1, schema: { config }, async access(kong) { await null; kong.ctx.shared.async = true; } });
  const onlySync = await createPluginHarness({ plugins: [sync], rows: [pluginRow('t-sync', {})] });
  const both = await createPluginHarness({ plugins: [sync, later], rows: [pluginRow('t-sync', {}), pluginRow('t-async', {})] });
  const context = () => new PluginRequestContext({
    requestId: 'r', route, service,
    request: { method: 'GET', scheme: 'http', host: 'h', port: 80, path: '/', rawQuery: '', headers: {}, readBody: async () => Buffer.alloc(0),
      forwardedScheme: 'http', forwardedHost: 'h', forwardedPort: 80, forwardedPath: '/' },
    client: { ip: '1', forwardedIp: '1', port: 1, forwardedPort: 1 },
  });
  const syncCtx = context();
  assert.equal(new PluginRun(onlySync.table, syncCtx).access(), undefined);
  assert.equal(syncCtx.shared.sync, true);
  const asyncCtx = context();
  const pending = new PluginRun(both.table, asyncCtx).access();
  assert.ok(pending instanceof Promise);
  assert.equal(asyncCtx.shared.async, undefined);
  await pending;
  assert.equal(asyncCtx.shared.async, true);
});
