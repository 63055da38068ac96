import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeRedisConnections } from '../../pdk/redis.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import { defineEntity, registerEntityDefinition } from '../../entities/index.ts';
import { ratelimitingMetrics } from './daos.ts';
import { rateLimited, uniqueIp } from './test-support.ts';

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
