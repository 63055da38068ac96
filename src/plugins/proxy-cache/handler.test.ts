import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer } from '../../entities/types.ts';
import { createPluginHarness, pluginRow, type HarnessRequest, type HarnessUpstream } from '../../pipeline/index.ts';
import { definePlugin } from '../../pdk/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { buildCacheKey, digestPairs, requestLineUri } from './cache-key.ts';
import { plugin } from './handler.ts';
import { proxyCacheApi } from './api.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'proxy-cache', config }, 'insert').config as Record<string, unknown>;
const alice = { id: randomUUID(), username: 'alice' } as Consumer;
const bob = { id: randomUUID(), username: 'bob' } as Consumer;

// Stands in for an auth plugin: the consumer named by x-user is authenticated.
const fakeAuth = definePlugin({
  name: 'fake-auth', version: '1.0.0', priority: 1000,
  schema: { config: { type: 'record', fields: {} } },
  access(kong) {
    const user = kong.request.get_header('x-user');
    const consumer = [alice, bob].find((candidate) => candidate.username === user);
    if (consumer !== undefined) kong.client.authenticate(consumer, { id: `cred-${consumer.id}` });
  },
});
registerPluginSchema(fakeAuth.name, fakeAuth.schema);

async function cached(config: Record<string, unknown> = {}) {
  const dictionary = `test-${randomUUID()}`;
  const row = pluginRow('proxy-cache', validate({ strategy: 'memory', memory: { dictionary_name: dictionary }, ...config }), { route: route.id });
  const harness = await createPluginHarness({ plugins: [plugin, fakeAuth], rows: [row, pluginRow('fake-auth', {}, { route: route.id })], consumers: [alice, bob] });
  let calls = 0;
  return {
    row,
    get calls() { return calls; },
    send: async (request: HarnessRequest = {}, upstream: HarnessUpstream = {}) => {
      const result = await harness.request({ route, service, path: '/a', ...request }, {
        status: 200, headers: { 'content-type': 'application/json' }, body: `{"n":${calls + 1}}`, ...upstream,
      });
      if (result.proxied) calls++;
      return result;
    },
  };
}

test('miss then hit: the stored response is served with Age and X-Cache-Status Hit', async () => {
  const cache = await cached();
  const miss = await cache.send({ query: 'b=2&a=1' }, { headers: { 'content-type': 'application/json', 'x-ratelimit-remaining-minute': '3', 'x-up': '1' } });
  assert.equal(miss.headers['x-cache-status'], 'Miss');
  assert.match(String(miss.headers['x-cache-key']), /^[0-9a-f]{64}$/);
  const hit = await cache.send({ query: 'a=1&b=2' });
  assert.equal(hit.proxied, false);
  assert.equal(hit.headers['x-cache-status'], 'Hit');
  assert.equal(hit.body, '{"n":1}');
  assert.equal(hit.headers['x-up'], '1');
  assert.equal(hit.headers['x-ratelimit-remaining-minute'], undefined, 'rate-limit remaining headers are not replayed');
  assert.equal(hit.headers.age, '0');
  assert.equal(hit.headers['x-cache-key'], miss.headers['x-cache-key'], 'query order does not matter');
  assert.equal(cache.calls, 1);
});

test('one consumer never sees another consumer\'s or an anonymous caller\'s cached response', async () => {
  const cache = await cached();
  const forAlice = await cache.send({ headers: { 'x-user': 'alice' } }, { body: 'alice-secret' });
  assert.equal(forAlice.headers['x-cache-status'], 'Miss');
  const forBob = await cache.send({ headers: { 'x-user': 'bob' } }, { body: 'bob-data' });
  assert.equal(forBob.headers['x-cache-status'], 'Miss');
  assert.equal(forBob.body, 'bob-data');
  const anonymous = await cache.send({}, { body: 'public' });
  assert.equal(anonymous.headers['x-cache-status'], 'Miss');
  assert.equal(anonymous.body, 'public');
  assert.equal((await cache.send({ headers: { 'x-user': 'alice' } })).body, 'alice-secret');
  const unattributed = await cache.send({ headers: { authorization: 'Bearer x' } }, { body: 'private' });
  assert.equal(unattributed.headers['x-cache-status'], 'Bypass', 'credentials without a consumer are never cached');
  assert.equal((await cache.send({})).body, 'public');
});

test('uncacheable responses bypass: status, content type, Set-Cookie, private', async () => {
  const cache = await cached();
  assert.equal((await cache.send({ path: '/s' }, { status: 500 })).headers['x-cache-status'], 'Bypass');
  assert.equal((await cache.send({ path: '/t' }, { headers: { 'content-type': 'text/html' } })).headers['x-cache-status'], 'Bypass');
  assert.equal((await cache.send({ path: '/c' }, { headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' } })).headers['x-cache-status'], 'Bypass');
  assert.equal((await cache.send({ path: '/p' }, { headers: { 'content-type': 'text/plain', 'cache-control': 'private' } })).headers['x-cache-status'], 'Bypass');
  assert.equal((await cache.send({ path: '/p' })).headers['x-cache-status'], 'Miss', 'nothing was stored');
  assert.equal((await cache.send({ method: 'POST', path: '/m' })).headers['x-cache-status'], 'Bypass');
});

test('cache_control: request no-cache bypasses, only-if-cached miss is 504, response max-age is the ttl', async () => {
  const cache = await cached({ cache_control: true });
  assert.equal((await cache.send({ headers: { 'cache-control': 'no-cache' } })).headers['x-cache-status'], 'Bypass');
  const onlyCached = await cache.send({ path: '/o', headers: { 'cache-control': 'only-if-cached' } });
  assert.equal(onlyCached.status, 504);
  assert.equal((await cache.send({ path: '/z' }, { headers: { 'content-type': 'application/json' } })).headers['x-cache-status'], 'Bypass', 'no max-age: ttl 0');
  assert.equal((await cache.send({ path: '/ok' }, { headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60' } })).headers['x-cache-status'], 'Miss');
  assert.equal((await cache.send({ path: '/ok' })).headers['x-cache-status'], 'Hit');
});

test('response_headers switches hide the headers unless Kong-Debug is sent', async () => {
  const cache = await cached({ response_headers: { age: false, 'X-Cache-Status': false, 'X-Cache-Key': false } });
  const miss = await cache.send();
  assert.equal(miss.headers['x-cache-status'], undefined);
  assert.equal(miss.headers['x-cache-key'], undefined);
  const debug = await cache.send({ headers: { 'kong-debug': '1' } });
  assert.equal(debug.headers['x-cache-status'], 'Hit');
});

test('Admin API: look up, purge one key, purge per plugin, flush', async () => {
  const cache = await cached();
  const key = String((await cache.send({ path: '/admin-api' })).headers['x-cache-key']);
  const route = (method: string, path: string) => proxyCacheApi.find((entry) => entry.method === method && entry.path === path)!;
  const found = await route('GET', '/proxy-cache/{cache_key}').handle({ params: { cache_key: key }, query: new URLSearchParams(), body: null });
  assert.equal(found.status, 200);
  assert.equal((found.body as { body: string; status: number }).body, '{"n":1}');
  const byPlugin = await route('GET', '/proxy-cache/{plugin_id}/caches/{cache_key}').handle({ params: { plugin_id: cache.row.id, cache_key: key }, query: new URLSearchParams(), body: null });
  assert.equal(byPlugin.status, 200);
  assert.equal((await route('DELETE', '/proxy-cache/{cache_key}').handle({ params: { cache_key: key }, query: new URLSearchParams(), body: null })).status, 204);
  assert.equal((await route('DELETE', '/proxy-cache/{cache_key}').handle({ params: { cache_key: key }, query: new URLSearchParams(), body: null })).status, 404);
  assert.equal((await cache.send({ path: '/admin-api' })).headers['x-cache-status'], 'Miss');
  assert.equal((await cache.send({ path: '/admin-api' })).headers['x-cache-status'], 'Hit');
  assert.equal((await route('DELETE', '/proxy-cache').handle({ params: {}, query: new URLSearchParams(), body: null })).status, 204);
  assert.equal((await cache.send({ path: '/admin-api' })).headers['x-cache-status'], 'Miss');
});

test('cache key parts follow Kong: request-line quirk, sorted params, flags, vary headers', () => {
  assert.equal(requestLineUri('GET', '/a', '', 1.1), 'GET /a HTTP/1.1');
  assert.equal(requestLineUri('GET', '/a', 'x=1', 1.1), 'GET /a');
  assert.equal(digestPairs({ b: '2', a: ['y', 'x'], flag: true }), 'a=x,y:b=2:flag');
  assert.equal(digestPairs({ b: '2', a: '1' }, ['a']), 'a=1');
  const base = { consumerId: null, routeId: 'r', method: 'GET', uri: 'GET /a HTTP/1.1', query: {}, headers: { 'x-v': '1' } };
  assert.equal(buildCacheKey(base), buildCacheKey({ ...base, headers: { 'x-v': '2' } }));
  assert.notEqual(buildCacheKey({ ...base, varyHeaders: ['X-V'] }), buildCacheKey({ ...base, headers: { 'x-v': '2' }, varyHeaders: ['X-V'] }));
  assert.throws(() => validate({}), /strategy/);
});
