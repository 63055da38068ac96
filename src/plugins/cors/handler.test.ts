import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';
import { compileOrigins, normalizeOrigin } from './origins.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);

async function cors(config: Record<string, unknown>) {
  const conf = entityDefinitions.plugins.validate({ name: 'cors', config }, 'insert').config as Record<string, unknown>;
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('cors', conf, { route: route.id })] });
  return (method: string, headers: Record<string, string>, upstreamHeaders: Record<string, string> = {}) =>
    harness.request({ route, service, method, headers }, { status: 200, body: 'up', headers: upstreamHeaders });
}
const PREFLIGHT = { origin: 'http://a.test', 'access-control-request-method': 'POST' };

test('preflight: 200 empty body with the default methods and * origin; not proxied', async () => {
  const send = await cors({});
  const result = await send('OPTIONS', { ...PREFLIGHT, 'access-control-request-headers': 'x-a,x-b' });
  assert.equal(result.status, 200);
  assert.equal(result.body, '');
  assert.equal(result.proxied, false);
  assert.equal(result.headers['access-control-allow-origin'], '*');
  assert.equal(result.headers['access-control-allow-methods'], 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT');
  assert.equal(result.headers['access-control-allow-headers'], 'x-a,x-b');
  assert.equal(result.headers['access-control-max-age'], undefined);
  assert.equal(result.headers['access-control-allow-credentials'], undefined);
});

test('preflight with configured headers, methods, max_age, credentials and private network', async () => {
  const send = await cors({ origins: ['http://a.test'], headers: ['x-h'], methods: ['GET', 'POST'], max_age: 3600, credentials: true, private_network: true });
  const result = await send('OPTIONS', { ...PREFLIGHT, 'access-control-request-private-network': 'true' });
  assert.equal(result.headers['access-control-allow-origin'], 'http://a.test');
  assert.equal(result.headers.vary, 'Origin');
  assert.equal(result.headers['access-control-allow-headers'], 'x-h');
  assert.equal(result.headers['access-control-allow-methods'], 'GET,POST');
  assert.equal(result.headers['access-control-max-age'], '3600');
  assert.equal(result.headers['access-control-allow-credentials'], 'true');
  assert.equal(result.headers['access-control-allow-private-network'], 'true');
});

test('credentials with allow-all echo the request origin instead of *', async () => {
  const send = await cors({ credentials: true });
  const result = await send('GET', { origin: 'http://x.test' });
  assert.equal(result.headers['access-control-allow-origin'], 'http://x.test');
  assert.equal(result.headers['access-control-allow-credentials'], 'true');
});

test('preflight_continue leaves preflights to the upstream and adds no headers', async () => {
  const send = await cors({ preflight_continue: true });
  const result = await send('OPTIONS', PREFLIGHT);
  assert.equal(result.proxied, true);
  assert.equal(result.headers['access-control-allow-origin'], undefined);
});

test('regex and plain origins: matching origins are echoed normalised, others get no ACAO', async () => {
  const send = await cors({ origins: ['https://exact.test', '.*\\.example\\.com', 'https://api-[0-9]+\\.test:8443'], exposed_headers: ['x-e1', 'x-e2'] });
  const sub = await send('GET', { origin: 'https://www.example.com:443' });
  assert.equal(sub.headers['access-control-allow-origin'], 'https://www.example.com');
  assert.equal(sub.headers['access-control-expose-headers'], 'x-e1,x-e2');
  assert.equal(sub.headers.vary, 'Origin');
  assert.equal((await send('GET', { origin: 'https://exact.test' })).headers['access-control-allow-origin'], 'https://exact.test');
  assert.equal((await send('GET', { origin: 'https://api-7.test:8443' })).headers['access-control-allow-origin'], 'https://api-7.test:8443');
  assert.equal((await send('GET', { origin: 'https://api-7.test:9999' })).headers['access-control-allow-origin'], undefined);
  assert.equal((await send('GET', { origin: 'https://example.com.evil.test' })).headers['access-control-allow-origin'], undefined, 'end-anchored');
  assert.equal((await send('GET', { origin: 'https://evil.test' })).headers['access-control-allow-origin'], undefined);
});

test('a single plain origin is always sent as configured; Vary is merged with the upstream one', async () => {
  const send = await cors({ origins: ['http://only.test'] });
  const result = await send('GET', { origin: 'http://other.test' }, { vary: 'Accept-Encoding' });
  assert.equal(result.headers['access-control-allow-origin'], 'http://only.test');
  assert.deepEqual(result.headers.vary, ['Accept-Encoding', 'Origin']);
  const already = await send('GET', { origin: 'http://other.test' }, { vary: 'origin' });
  assert.equal(already.headers.vary, 'origin');
});

test('allow_origin_absent=false skips requests without Origin', async () => {
  const send = await cors({ allow_origin_absent: false });
  assert.equal((await send('GET', {})).headers['access-control-allow-origin'], undefined);
  assert.equal((await send('GET', { origin: 'http://a.test' })).headers['access-control-allow-origin'], '*');
});

test("schema: invalid regex origins and unknown methods are rejected with Kong's messages", () => {
  const fieldsOf = (config: Record<string, unknown>): unknown => {
    try {
      entityDefinitions.plugins.validate({ name: 'cors', config }, 'insert');
      return null;
    } catch (error) {
      return (error as { fields?: unknown }).fields;
    }
  };
  assert.deepEqual(fieldsOf({ origins: ['(unclosed'] }), { config: { origins: ["'(unclosed' is not a valid regex"] } });
  assert.deepEqual(fieldsOf({ methods: ['FETCH'] }), { config: { methods: ['expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT'] } });
  assert.equal(fieldsOf({ origins: ['*', 'http://a.test'] }), null);
});

test('normalizeOrigin drops default ports only', () => {
  assert.deepEqual(normalizeOrigin('https://a.test:443'), { domain: 'https://a.test', host: 'a.test' });
  assert.deepEqual(normalizeOrigin('http://a.test:8080'), { domain: 'http://a.test:8080', host: 'a.test' });
  assert.equal(compileOrigins(['^https://b\\.test$']).match('https://b.test'), 'https://b.test');
});
