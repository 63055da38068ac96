import { after, test } from 'node:test';
import { createServer, type Socket } from 'node:net';
import assert from 'node:assert/strict';
import { closeRedisConnections } from '../../pdk/redis.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import { ratelimitingMetrics } from './daos.ts';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import type { PdkDb } from '../../pdk/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';
import { NULL_UUID, prepareLimits, refreshKeys, resetAt } from './prepared.ts';
import { resetSeconds, windowStart } from '../../pdk/time-windows.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);

function validConfig(config: Record<string, unknown>): Record<string, unknown> {
  return entityDefinitions.plugins.validate({ name: 'rate-limiting', config }, 'insert').config as Record<string, unknown>;
}

async function rateLimited(config: Record<string, unknown>, options: { db?: PdkDb } = {}) {
  const harness = await createPluginHarness({
    plugins: [plugin], rows: [pluginRow('rate-limiting', validConfig(config), { route: route.id })], db: options.db,
  });
  return {
    harness,
    send: (request: Parameters<typeof harness.request>[0] = {}) => harness.request({ route, service, ...request }),
  };
}

/** A key no other test (or earlier run within the same window) uses. */
const uniqueIp = (): string => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

after(() => closeRedisConnections());

test('local: headers count down, the request over the limit gets Kong\'s 429 with Retry-After', async () => {
  const { send } = await rateLimited({ minute: 2, hour: 5 });
  const clientIp = uniqueIp();
  const first = await send({ clientIp });
  assert.equal(first.status, 200);
  assert.equal(first.headers['x-ratelimit-limit-minute'], '2');
  assert.equal(first.headers['x-ratelimit-remaining-minute'], '1');
  assert.equal(first.headers['x-ratelimit-limit-hour'], '5');
  assert.equal(first.headers['x-ratelimit-remaining-hour'], '4');
  assert.equal(first.headers['ratelimit-limit'], '2', 'the most restrictive window is described');
  assert.equal(first.headers['ratelimit-remaining'], '1');
  const reset = Number(first.headers['ratelimit-reset']);
  assert.ok(reset >= 1 && reset <= 60);
  assert.equal((await send({ clientIp })).status, 200);
  const third = await send({ clientIp });
  assert.equal(third.status, 429);
  assert.equal(third.proxied, false);
  const body = JSON.parse(third.body) as { message: string; request_id: string };
  assert.equal(body.message, 'API rate limit exceeded');
  assert.equal(typeof body.request_id, 'string');
  assert.equal(third.headers['x-ratelimit-remaining-minute'], '0');
  assert.equal(third.headers['x-ratelimit-remaining-hour'], '3', 'a period that did not stop is not decremented');
  assert.equal(third.headers['retry-after'], third.headers['ratelimit-reset']);
  assert.equal((await send({ clientIp: uniqueIp() })).status, 200, 'another client has its own counter');
});

test('local: rejected requests are not counted; parallel clients never exceed the limit', async () => {
  const { send } = await rateLimited({ hour: 7 });
  const clientIp = uniqueIp();
  const results = await Promise.all(Array.from({ length: 30 }, () => send({ clientIp })));
  assert.equal(results.filter((result) => result.status === 200).length, 7);
  assert.equal(results.filter((result) => result.status === 429).length, 23);
});

test('hide_client_headers, custom error code and message', async () => {
  const { send } = await rateLimited({ minute: 1, hide_client_headers: true, error_code: 503, error_message: 'slow down' });
  const clientIp = uniqueIp();
  const first = await send({ clientIp });
  assert.equal(first.headers['x-ratelimit-limit-minute'], undefined);
  assert.equal(first.headers['ratelimit-remaining'], undefined);
  const second = await send({ clientIp });
  assert.equal(second.status, 503);
  assert.equal(JSON.parse(second.body).message, 'slow down');
  assert.equal(second.headers['retry-after'], undefined);
});

test('limit_by header falls back to the client IP when the header is absent; path only on the exact path', async () => {
  const byHeader = await rateLimited({ minute: 1, limit_by: 'header', header_name: 'x-tenant' });
  const ip = uniqueIp();
  const tenant = `t-${ip}`;
  assert.equal((await byHeader.send({ clientIp: ip, headers: { 'x-tenant': tenant } })).status, 200);
  assert.equal((await byHeader.send({ clientIp: uniqueIp(), headers: { 'x-tenant': tenant } })).status, 429, 'same tenant, other IP');
  assert.equal((await byHeader.send({ clientIp: ip })).status, 200, 'no header: counted by IP');
  const byPath = await rateLimited({ minute: 1, limit_by: 'path', path: `/p/${ip}` });
  assert.equal((await byPath.send({ path: `/p/${ip}`, clientIp: uniqueIp() })).status, 200);
  assert.equal((await byPath.send({ path: `/p/${ip}`, clientIp: uniqueIp() })).status, 429);
  assert.equal((await byPath.send({ path: '/other', clientIp: uniqueIp() })).status, 200, 'another path falls back to IP');
});

test('redis: the read increments, so rejected requests count too (real Redis)', async () => {
  const { send } = await rateLimited({ minute: 2, policy: 'redis', redis: { host: '127.0.0.1', port: 6379, timeout: 500 } });
  const clientIp = uniqueIp();
  const results = await Promise.all(Array.from({ length: 12 }, () => send({ clientIp })));
  assert.equal(results.filter((result) => result.status === 200).length, 2);
  const after = await send({ clientIp });
  assert.equal(after.status, 429);
  assert.equal(after.headers['x-ratelimit-remaining-minute'], '0');
});

test('redis down: fault_tolerant proxies within the deadline, otherwise 500', async () => {
  const deadConfig = { minute: 1, policy: 'redis', redis: { host: '127.0.0.1', port: 1, timeout: 150 } };
  const tolerant = await rateLimited(deadConfig);
  const started = Date.now();
  const result = await tolerant.send({ clientIp: uniqueIp() });
  assert.equal(result.status, 200);
  assert.ok(Date.now() - started < 400, `took ${Date.now() - started} ms`);
  assert.equal(result.headers['x-ratelimit-limit-minute'], undefined, 'no headers when counts are unknown');
  assert.ok(tolerant.harness.logLines.some((line) => line.includes('failed to get usage')));
  const strict = await rateLimited({ ...deadConfig, fault_tolerant: false });
  const failed = await strict.send({ clientIp: uniqueIp() });
  assert.equal(failed.status, 500);
  assert.equal(JSON.parse(failed.body).message, 'An unexpected error occurred');
});

test('cluster: counts in ratelimiting_metrics rows of kong.db', async () => {
  registerEntityDefinition(defineEntity(ratelimitingMetrics));
  const store = createMemoryStore();
  const { send } = await rateLimited({ minute: 2, policy: 'cluster' }, { db: store });
  const clientIp = uniqueIp();
  assert.equal((await send({ clientIp })).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const second = await send({ clientIp });
  assert.equal(second.headers['x-ratelimit-remaining-minute'], '0');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal((await send({ clientIp })).status, 429);
  const page = await store.page('ratelimiting_metrics', { size: 10 });
  assert.equal(page.data.length, 1);
  assert.equal(page.data[0]!.value, 2);
  assert.equal(page.data[0]!.identifier, clientIp);
});

function violation(config: Record<string, unknown>): unknown {
  try {
    validConfig(config);
  } catch (error) {
    return (error as { fields?: unknown; body?: unknown }).body ?? error;
  }
  assert.fail('expected a schema violation');
}

test('defaults are Kong\'s', () => {
  const conf = validConfig({ minute: 5 });
  assert.equal(conf.limit_by, 'consumer');
  assert.equal(conf.policy, 'local');
  assert.equal(conf.fault_tolerant, true);
  assert.equal(conf.hide_client_headers, false);
  assert.equal(conf.error_code, 429);
  assert.equal(conf.error_message, 'API rate limit exceeded');
  assert.equal(conf.sync_rate, -1);
  assert.equal((conf.redis as { port: number }).port, 6379);
  assert.equal((conf.redis as { timeout: number }).timeout, 2000);
});

test('at least one period is required', () => {
  assert.match(JSON.stringify(violation({})), /at least one of these fields must be non-empty: 'config.second', 'config.minute'/);
});

test('a longer period may not have a lower limit', () => {
  assert.match(JSON.stringify(violation({ second: 10, minute: 5 })),
    /The limit for minute\(5.0\) cannot be lower than the limit for second\(10.0\)/);
});

test('redis policy needs a host; header and path limits need their field', () => {
  assert.match(JSON.stringify(violation({ minute: 1, policy: 'redis' })), /"redis":\{"host":"required field missing"\}/);
  assert.match(JSON.stringify(violation({ minute: 1, limit_by: 'header' })), /"header_name":"required field missing"/);
  assert.match(JSON.stringify(violation({ minute: 1, limit_by: 'path' })), /"path":"required field missing"/);
  assert.match(JSON.stringify(violation({ minute: 1, policy: 'memcached' })), /expected one of: local, cluster, redis/);
  assert.match(JSON.stringify(violation({ minute: 0 })), /value must be greater than 0/);
});

test('windows are calendar-aligned in UTC; month reset assumes 30 days', () => {
  const now = Date.UTC(2024, 1, 15, 10, 5, 30, 250);
  assert.equal(windowStart('second', now), Date.UTC(2024, 1, 15, 10, 5, 30));
  assert.equal(windowStart('minute', now), Date.UTC(2024, 1, 15, 10, 5));
  assert.equal(windowStart('hour', now), Date.UTC(2024, 1, 15, 10));
  assert.equal(windowStart('day', now), Date.UTC(2024, 1, 15));
  assert.equal(windowStart('month', now), Date.UTC(2024, 1, 1));
  assert.equal(windowStart('year', now), Date.UTC(2024, 0, 1));
  assert.equal(resetSeconds('minute', now), 30);
  assert.equal(resetSeconds('second', now), 1);
  assert.equal(resetSeconds('month', now), 2592000 - (14 * 86400 + 10 * 3600 + 5 * 60 + 30));
});

test('redis: counters go to the configured database', async () => {
  const { send } = await rateLimited({ minute: 5, policy: 'redis', limit_by: 'header', header_name: 'x-db-test', redis: { host: '127.0.0.1', database: 5, timeout: 500 } });
  const tenant = `db-${uniqueIp()}`;
  assert.equal((await send({ headers: { 'x-db-test': tenant } })).status, 200);
  const { Redis } = await import('ioredis');
  const probe = new Redis({ host: '127.0.0.1', port: 6379, db: 5, lazyConnect: true });
  try {
    await probe.connect();
    const keys = await probe.keys(`ratelimit:*:${tenant}:*:minute`);
    assert.equal(keys.length, 1);
    assert.equal(await probe.get(keys[0]!), '1');
    assert.ok((await probe.ttl(keys[0]!)) > 0, 'the counter expires with its window');
  } finally {
    probe.disconnect();
  }
});

test('redis silent (accepts, never answers): fault_tolerant gives up within the timeout', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => { sockets.push(socket); });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  try {
    const { send } = await rateLimited({ minute: 1, policy: 'redis', redis: { host: '127.0.0.1', port, timeout: 150 } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = Date.now();
      assert.equal((await send({ clientIp: uniqueIp() })).status, 200);
      assert.ok(Date.now() - started < 400, `attempt ${attempt} took ${Date.now() - started} ms`);
    }
  } finally {
    await closeRedisConnections();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('redis sync_rate: counted locally (exact under parallel clients), only admitted requests reach Redis at the sync', async () => {
  const { send } = await rateLimited({ hour: 5, policy: 'redis', sync_rate: 0.05, limit_by: 'header', header_name: 'x-sync', redis: { host: '127.0.0.1', port: 6379, timeout: 500 } });
  const tenant = `sync-${uniqueIp()}`;
  const results = await Promise.all(Array.from({ length: 12 }, () => send({ headers: { 'x-sync': tenant } })));
  assert.equal(results.filter((result) => result.status === 200).length, 5);
  assert.equal(results.filter((result) => result.status === 429).length, 7);
  const rejected = results.find((result) => result.status === 429)!;
  assert.equal(rejected.headers['x-ratelimit-remaining-hour'], '0');
  assert.equal(rejected.headers['retry-after'], rejected.headers['ratelimit-reset']);
  const { Redis } = await import('ioredis');
  const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  try {
    await probe.connect();
    let value: string | null = null;
    for (let attempt = 0; attempt < 40 && value !== '5'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const keys = await probe.keys(`ratelimit:*:${tenant}:*:hour`);
      value = keys.length === 1 ? await probe.get(keys[0]!) : null;
    }
    assert.equal(value, '5');
  } finally {
    probe.disconnect();
  }
});

test('redis sync_rate with Redis down: fault_tolerant passes within the deadline, otherwise 500', async () => {
  const dead = { minute: 1, policy: 'redis', sync_rate: 1, redis: { host: '127.0.0.1', port: 1, timeout: 150 } };
  const tolerant = await rateLimited(dead);
  const started = Date.now();
  assert.equal((await tolerant.send({ clientIp: uniqueIp() })).status, 200);
  assert.ok(Date.now() - started < 400, `took ${Date.now() - started} ms`);
  const strict = await rateLimited({ ...dead, fault_tolerant: false });
  assert.equal((await strict.send({ clientIp: uniqueIp() })).status, 500);
});

test('redis, several periods: parallel requests share script calls and each period counts every request', async () => {
  const { send } = await rateLimited({ hour: 6, day: 9, policy: 'redis', redis: { host: '127.0.0.1', port: 6379, timeout: 500 } });
  const clientIp = uniqueIp();
  const results = await Promise.all(Array.from({ length: 20 }, () => send({ clientIp })));
  assert.equal(results.filter((result) => result.status === 200).length, 6);
  const stopped = results.find((result) => result.status === 429)!;
  assert.equal(stopped.headers['x-ratelimit-remaining-hour'], '0');
  assert.equal(stopped.headers['x-ratelimit-limit-day'], '9');
  const passed = results.filter((result) => result.status === 200).map((result) => Number(result.headers['x-ratelimit-remaining-hour']));
  assert.deepEqual(passed.sort(), [0, 1, 2, 3, 4, 5], 'every admitted request saw its own position');
});

test('counter keys: Kong\'s format, rebuilt when the identifier or the window changes', () => {
  const conf = validConfig({ second: 5, year: 100 }) as Parameters<typeof prepareLimits>[0];
  const prepared = prepareLimits(conf, undefined, undefined as never);
  const now = Date.UTC(2024, 11, 31, 23, 59, 59, 500);
  refreshKeys(prepared, 'a', now);
  assert.deepEqual(prepared.keys, [
    `ratelimit:${NULL_UUID}:${NULL_UUID}:a:${Date.UTC(2024, 11, 31, 23, 59, 59)}:second`,
    `ratelimit:${NULL_UUID}:${NULL_UUID}:a:${Date.UTC(2024, 0, 1)}:year`,
  ]);
  refreshKeys(prepared, 'b', now + 100);
  assert.match(prepared.keys[0]!, /:b:\d+:second$/);
  refreshKeys(prepared, 'b', now + 600);
  assert.deepEqual(prepared.keys, [
    `ratelimit:${NULL_UUID}:${NULL_UUID}:b:${Date.UTC(2025, 0, 1)}:second`,
    `ratelimit:${NULL_UUID}:${NULL_UUID}:b:${Date.UTC(2025, 0, 1)}:year`,
  ], 'the new year starts both windows');
  assert.equal(resetAt(prepared, 1, Date.UTC(2025, 0, 1, 0, 0, 10)), 31536000 - 10);
});
