import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer } from '../entities/types.ts';
import { definePlugin, type AnyPluginDefinition, type Pdk } from '../pdk/index.ts';
import { makeRoute, makeService } from '../router/test-fixtures.ts';
import { createPluginHarness, pluginRow } from './harness.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r1', paths: ['/'], service: { id: service.id } });
const consumer: Consumer = { id: '11111111-1111-4111-8111-111111111111', created_at: 0, updated_at: 0, username: 'alice', custom_id: null, tags: null };
const emptyConfig = { type: 'record', fields: {} } as const;

/** A plugin that records the phases it ran in kong.ctx.shared.trace. */
function tracer(name: string, priority: number, extra: Partial<AnyPluginDefinition> = {}): AnyPluginDefinition {
  const mark = (phase: string) => (kong: Pdk, conf: { tag?: string }) => {
    const trace = (kong.ctx.shared.trace ??= []) as string[];
    trace.push(`${name}:${phase}${conf.tag === undefined ? '' : `:${conf.tag}`}`);
  };
  return {
    name, version: '1.0.0', priority,
    schema: { config: { type: 'record', fields: { tag: { type: 'string' } } } },
    rewrite: mark('rewrite'), access: mark('access'), header_filter: mark('header_filter'), log: mark('log'),
    ...extra,
  };
}

test('access runs in priority order, equal priorities by name descending', async () => {
  const plugins = [tracer('t-low', 10), tracer('t-alpha', 500), tracer('t-beta', 500), tracer('t-high', 2000)];
  const harness = await createPluginHarness({ plugins, rows: plugins.map((plugin) => pluginRow(plugin.name, {}, { route: route.id })) });
  const result = await harness.request({ route, service });
  const access = (result.ctx.shared.trace as string[]).filter((entry) => entry.endsWith(':access'));
  assert.deepEqual(access, ['t-high:access', 't-beta:access', 't-alpha:access', 't-low:access']);
});

// The eight levels of kong-core §5.3, most specific first: each case removes the levels above it.
const LEVELS: Array<{ level: string; scope: { route?: string; service?: string; consumer?: string } }> = [
  { level: 'route+service+consumer', scope: { route: route.id, service: service.id, consumer: consumer.id } },
  { level: 'route+consumer', scope: { route: route.id, consumer: consumer.id } },
  { level: 'service+consumer', scope: { service: service.id, consumer: consumer.id } },
  { level: 'route+service', scope: { route: route.id, service: service.id } },
  { level: 'consumer', scope: { consumer: consumer.id } },
  { level: 'route', scope: { route: route.id } },
  { level: 'service', scope: { service: service.id } },
  { level: 'global', scope: {} },
];

const authenticator = definePlugin({
  name: 't-auth', version: '1.0.0', priority: 5000, schema: { config: emptyConfig },
  access(kong) { kong.client.authenticate(consumer, { id: 'cred-1' }); },
});

for (let index = 0; index < LEVELS.length; index++) {
  const { level } = LEVELS[index]!;
  test(`scoping precedence: ${level} wins over every less specific level`, async () => {
    const probe = tracer('t-probe', 100);
    const rows = LEVELS.slice(index).map((entry) => pluginRow('t-probe', { tag: entry.level }, entry.scope));
    rows.push(pluginRow('t-auth', {}));
    const harness = await createPluginHarness({ plugins: [authenticator, probe], rows });
    const result = await harness.request({ route, service });
    assert.deepEqual((result.ctx.shared.trace as string[]).filter((entry) => entry.includes(':access')), [`t-probe:access:${level}`]);
  });
}

test('consumer-scoped config applies only when the authenticating plugin ran before the lookup', async () => {
  const rows = [pluginRow('t-auth', {}), pluginRow('t-probe', { tag: 'global' }), pluginRow('t-probe', { tag: 'consumer' }, { consumer: consumer.id })];
  const after = await createPluginHarness({ plugins: [authenticator, tracer('t-probe', 100)], rows });
  const late = await after.request({ route, service });
  assert.ok((late.ctx.shared.trace as string[]).includes('t-probe:access:consumer'));

  const before = await createPluginHarness({ plugins: [authenticator, tracer('t-probe', 9000)], rows });
  const early = await before.request({ route, service });
  assert.ok((early.ctx.shared.trace as string[]).includes('t-probe:access:global'));
});

test('no_consumer plugins ignore the consumer dimension', async () => {
  const probe = tracer('t-nocons', 100, { schema: { config: { type: 'record', fields: { tag: { type: 'string' } } }, no_consumer: true } });
  const rows = [pluginRow('t-auth', {}), pluginRow('t-nocons', { tag: 'route' }, { route: route.id }), pluginRow('t-nocons', { tag: 'consumer' }, { consumer: consumer.id })];
  const harness = await createPluginHarness({ plugins: [authenticator, probe], rows });
  const result = await harness.request({ route, service });
  assert.ok((result.ctx.shared.trace as string[]).includes('t-nocons:access:route'));
});

test('a short circuit skips later access handlers but header_filter and log still run', async () => {
  const blocker = tracer('t-block', 1000, {
    access(kong: Pdk) {
      (kong.ctx.shared.trace as string[] | undefined)?.push('t-block:access');
      kong.response.exit(403, { message: 'blocked' }, { 'X-Blocked': 'yes' });
    },
  });
  const plugins = [tracer('t-first', 2000), blocker, tracer('t-after', 10)];
  const harness = await createPluginHarness({ plugins, rows: plugins.map((plugin) => pluginRow(plugin.name, {})) });
  const result = await harness.request({ route, service });
  assert.equal(result.status, 403);
  assert.equal(result.body, '{"message":"blocked"}');
  assert.equal(result.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(result.headers['x-blocked'], 'yes');
  assert.equal(result.proxied, false);
  const trace = result.ctx.shared.trace as string[];
  assert.ok(!trace.includes('t-after:access'));
  for (const name of ['t-first', 't-after']) {
    assert.ok(trace.includes(`${name}:header_filter`), `${name} header_filter`);
    assert.ok(trace.includes(`${name}:log`), `${name} log`);
  }
});

test('a throwing access handler gives Kong 500 body, logs the plugin name, and the next request is fine', async () => {
  let calls = 0;
  const flaky = definePlugin({
    name: 't-flaky', version: '1.0.0', priority: 100, schema: { config: emptyConfig },
    access() {
      calls++;
      if (calls === 1) throw new Error('boom');
    },
  });
  const harness = await createPluginHarness({ plugins: [flaky, tracer('t-later', 10)], rows: [pluginRow('t-flaky', {}), pluginRow('t-later', {})] });
  const failed = await harness.request({ route, service });
  assert.equal(failed.status, 500);
  assert.equal(failed.body, '{"message":"An unexpected error occurred"}');
  assert.equal(failed.run.failedPlugin, 't-flaky');
  assert.ok(!(failed.ctx.shared.trace as string[]).includes('t-later:access'));
  assert.ok((failed.ctx.shared.trace as string[]).includes('t-later:log'));
  const line = harness.logLines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.level === 'error');
  assert.equal(line?.plugin, 't-flaky');
  assert.match(String(line?.msg), /access failed: boom/);

  const ok = await harness.request({ route, service }, { status: 201, body: 'fine' });
  assert.equal(ok.status, 201);
  assert.equal(ok.body, 'fine');
});

test('rewrite runs global plugins only', async () => {
  const plugins = [tracer('t-global', 100), tracer('t-scoped', 200)];
  const rows = [pluginRow('t-global', {}), pluginRow('t-scoped', {}, { route: route.id })];
  const harness = await createPluginHarness({ plugins, rows });
  const result = await harness.request({ route, service });
  const trace = result.ctx.shared.trace as string[];
  assert.ok(trace.includes('t-global:rewrite'));
  assert.ok(!trace.includes('t-scoped:rewrite'));
  assert.ok(trace.includes('t-scoped:access'));
});

test('with no route matched, global plugins still run header_filter and log around the 404', async () => {
  const plugins = [tracer('t-global', 100), tracer('t-scoped', 200)];
  const rows = [pluginRow('t-global', {}), pluginRow('t-scoped', {}, { route: route.id })];
  const harness = await createPluginHarness({ plugins, rows });
  const result = await harness.request({ headers: { accept: 'text/plain' } });
  assert.equal(result.status, 404);
  assert.equal(result.body, `no Route matched with those values\nrequest_id: ${'a'.repeat(32)}\n`);
  assert.deepEqual(result.ctx.shared.trace, ['t-global:rewrite', 't-global:header_filter', 't-global:log']);
});

test('prepare runs once per plugin row per config version, not per request', async () => {
  let prepared = 0;
  const compiled = definePlugin({
    name: 't-prepared', version: '1.0.0', priority: 1, schema: { config: { type: 'record', fields: { pattern: { type: 'string' } } } },
    prepare: (conf) => { prepared++; return { regex: new RegExp(String(conf.pattern)) }; },
    access(kong, conf) { kong.response.set_header('X-Match', String(conf.regex.test(kong.request.get_path()))); },
  });
  const rows = [pluginRow('t-prepared', { pattern: '^/a' })];
  const harness = await createPluginHarness({ plugins: [compiled], rows });
  for (const path of ['/a', '/b', '/a/c']) await harness.request({ route, service, path });
  assert.equal(prepared, 1);
  const result = await harness.request({ route, service, path: '/b' });
  assert.equal(result.headers['x-match'], 'false');
  await createPluginHarness({ plugins: [compiled], rows, version: 2 });
  assert.equal(prepared, 2);
});

test('protocols only select the subsystem: stream-only rows are skipped, https-only rows run on http', async () => {
  const plugins = [tracer('t-stream', 10), tracer('t-https', 20)];
  const stream = { ...pluginRow('t-stream', {}), protocols: ['tcp', 'tls'] };
  const https = { ...pluginRow('t-https', {}), protocols: ['https'] };
  const harness = await createPluginHarness({ plugins, rows: [stream, https] });
  const result = await harness.request({ route, service, scheme: 'http' });
  const trace = result.ctx.shared.trace as string[];
  assert.ok(trace.includes('t-https:access'));
  assert.ok(!trace.some((entry) => entry.startsWith('t-stream')));
});

test('disabled rows are skipped; a row of a plugin not loaded fails the table build', async () => {
  const harness = await createPluginHarness({ plugins: [tracer('t-off', 1)], rows: [pluginRow('t-off', {}, { enabled: false })] });
  assert.equal(harness.table.empty, true);
  const noRoute = await harness.request({});
  assert.equal(noRoute.status, 404);
  assert.match(noRoute.body, /"message":"no Route matched with those values"/);
  await assert.rejects(
    createPluginHarness({ plugins: [], rows: [pluginRow('t-missing', {})] }),
    { message: 't-missing plugin is in use but not enabled' },
  );
});

test('a header_filter failure answers 500 with the error template; log still runs', async () => {
  const broken = tracer('t-hf', 10, { header_filter() { throw new Error('bad header'); } });
  const harness = await createPluginHarness({ plugins: [broken], rows: [pluginRow('t-hf', {})] });
  const result = await harness.request({ route, service }, { status: 200, headers: { 'content-length': '2' }, body: 'ok' });
  assert.equal(result.status, 500);
  assert.equal(result.headers['content-length'], undefined);
  assert.equal(result.body, `{\n  "message":"An unexpected error occurred",\n  "request_id":"${'a'.repeat(32)}"\n}`);
  assert.ok((result.ctx.shared.trace as string[]).includes('t-hf:log'));
});

test('a plugin without later-phase handlers is not collected for header_filter/log', async () => {
  const accessOnly = definePlugin({ name: 't-access-only', version: '1', priority: 5, schema: { config: emptyConfig }, access() {} });
  const harness = await createPluginHarness({ plugins: [accessOnly], rows: [pluginRow('t-access-only', {})] });
  const result = await harness.request({ route, service });
  assert.deepEqual(result.run.laterPhasePlugins(), []);
  assert.equal(result.status, 200);
});
