// cors, ip-restriction, bot-detection, request-size-limiting and request-termination through the
// real proxy (node:http client → Portico → loopback upstream): each on its own route.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../src/entities/index.ts';
import type { Plugin } from '../../src/entities/types.ts';
import type { AnyPluginDefinition } from '../../src/pdk/index.ts';
import { plugin as botDetection } from '../../src/plugins/bot-detection/handler.ts';
import { plugin as cors } from '../../src/plugins/cors/handler.ts';
import { plugin as ipRestriction } from '../../src/plugins/ip-restriction/handler.ts';
import { plugin as requestSizeLimiting } from '../../src/plugins/request-size-limiting/handler.ts';
import { plugin as requestTermination } from '../../src/plugins/request-termination/handler.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

const PLUGINS: AnyPluginDefinition[] = [cors, ipRestriction, botDetection, requestSizeLimiting, requestTermination];
let upstream: Upstream;
let proxy: PluginProxyHarness;

before(async () => {
  for (const plugin of PLUGINS) registerPluginSchema(plugin.name, plugin.schema);
  upstream = await startUpstream();
  const svc = service({ port: upstream.port });
  const routes = {
    cors: route({ service: svc, paths: ['/cors'] }),
    denied: route({ service: svc, paths: ['/denied'] }),
    allowed: route({ service: svc, paths: ['/allowed'] }),
    bots: route({ service: svc, paths: ['/bots'] }),
    small: route({ service: svc, paths: ['/small'] }),
    maintenance: route({ service: svc, paths: ['/maintenance'] }),
  };
  const row = (name: string, routeId: string, config: Record<string, unknown>): Plugin =>
    entityDefinitions.plugins.validate({ name, route: { id: routeId }, config }, 'insert') as unknown as Plugin;
  const plugins = [
    row('cors', routes.cors.id, { origins: ['https://app\\.example\\.com'], credentials: true, max_age: 600, exposed_headers: ['x-total'] }),
    row('ip-restriction', routes.denied.id, { deny: ['127.0.0.0/8'] }),
    row('ip-restriction', routes.allowed.id, { allow: ['127.0.0.1', '::1'], status: 401, message: 'nope' }),
    row('bot-detection', routes.bots.id, {}),
    row('request-size-limiting', routes.small.id, { allowed_payload_size: 8, size_unit: 'bytes' }),
    row('request-termination', routes.maintenance.id, { status_code: 503, trigger: 'x-maintenance' }),
  ];
  proxy = await startProxyWithPlugins(entitySet({ services: [svc], routes: Object.values(routes), plugins }), PLUGINS);
});

after(async () => {
  await proxy?.close();
  await upstream?.close();
});

test('cors: the proxy answers the preflight itself and decorates proxied responses', async () => {
  const before = upstream.requests.length;
  const preflight = await send(proxy.port, '/cors', {
    method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a' },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.body, '');
  assert.equal(upstream.requests.length, before, 'the preflight never reached the upstream');
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
  assert.equal(preflight.headers['access-control-allow-headers'], 'x-a');
  assert.equal(preflight.headers['access-control-max-age'], '600');
  const actual = await send(proxy.port, '/cors', { headers: { origin: 'https://app.example.com' } });
  assert.equal(actual.status, 200);
  assert.equal(actual.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(actual.headers['access-control-expose-headers'], 'x-total');
  assert.match(String(actual.headers.vary), /Origin/);
  const foreign = await send(proxy.port, '/cors', { headers: { origin: 'https://evil.test' } });
  assert.equal(foreign.status, 200, 'cors never rejects');
  assert.equal(foreign.headers['access-control-allow-origin'], undefined);
});

test('ip-restriction uses the real client address', async () => {
  const denied = await send(proxy.port, '/denied');
  assert.equal(denied.status, 403);
  assert.equal(JSON.parse(denied.body).message, 'IP address not allowed: 127.0.0.1');
  const spoofed = await send(proxy.port, '/denied', { headers: { 'x-forwarded-for': '10.9.9.9', 'x-real-ip': '10.9.9.9' } });
  assert.equal(spoofed.status, 403, 'untrusted forwarding headers do not change the address');
  assert.equal((await send(proxy.port, '/allowed')).status, 200);
});

test('bot-detection blocks a crawler and lets a browser through', async () => {
  const bot = await send(proxy.port, '/bots', { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' } });
  assert.equal(bot.status, 403);
  assert.equal(JSON.parse(bot.body).message, 'Forbidden');
  assert.equal((await send(proxy.port, '/bots', { headers: { 'user-agent': 'Mozilla/5.0 Firefox/120.0' } })).status, 200);
});

test('request-size-limiting: 413 on Content-Length, on a measured chunked body, and 417 with Expect', async () => {
  assert.equal((await send(proxy.port, '/small', { method: 'POST', body: '12345678' })).status, 200);
  const large = await send(proxy.port, '/small', { method: 'POST', body: '123456789' });
  assert.equal(large.status, 413);
  assert.equal(JSON.parse(large.body).message, 'Request size limit exceeded');
  const chunked = await send(proxy.port, '/small', { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, body: 'x'.repeat(20) });
  assert.equal(chunked.status, 413);
  const expecting = await send(proxy.port, '/small', { method: 'POST', headers: { expect: '100-continue', 'content-length': '9' }, body: '123456789' });
  assert.equal(expecting.status, 417);
});

test('request-termination: only triggered requests are answered by the gateway', async () => {
  assert.equal((await send(proxy.port, '/maintenance')).status, 200);
  const stopped = await send(proxy.port, '/maintenance', { headers: { 'x-maintenance': '1' } });
  assert.equal(stopped.status, 503);
  assert.equal(stopped.body, '{"message":"Service unavailable"}');
  assert.equal(stopped.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal((await send(proxy.port, '/maintenance?x-maintenance')).status, 503);
});
