import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer } from '../../entities/types.ts';
import { NodeCache } from '../../pdk/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import { keyauthCredentials } from './daos.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerEntityDefinition(defineEntity(keyauthCredentials));
registerPluginSchema(plugin.name, plugin.schema);
/** A plugin row whose config went through the schema (defaults filled), as the store holds it. */
const configured = (config: Record<string, unknown>, scope: { route?: string } = { route: route.id }) =>
  pluginRow('key-auth', entityDefinitions.plugins.validate({ name: 'key-auth', config }, 'insert').config as Record<string, unknown>, scope);
const credentials = defineEntity(keyauthCredentials);
const aliceRow = entityDefinitions.consumers.validate({ username: 'alice', custom_id: 'a-1' }, 'insert');
const anonRow = entityDefinitions.consumers.validate({ username: 'anon' }, 'insert');
const alice = aliceRow as unknown as Consumer;
const anon = anonRow as unknown as Consumer;

async function setup(config: Record<string, unknown> = {}) {
  const store = createMemoryStore();
  await store.insert('consumers', aliceRow);
  await store.insert('consumers', anonRow);
  const credential = await store.insert('keyauth_credentials', credentials.validate({ consumer: { id: alice.id }, key: 'secret-1' }, 'insert'));
  const harness = await createPluginHarness({
    plugins: [plugin], rows: [configured(config)], consumers: [alice, anon], db: store,
  });
  return { store, credential, harness, send: (request: Parameters<typeof harness.request>[0]) => harness.request({ route, service, ...request }) };
}

test('a valid key in the header authenticates and sets the consumer headers upstream', async () => {
  const { send, credential } = await setup();
  const result = await send({ headers: { apikey: 'secret-1', 'x-anonymous-consumer': 'true' } });
  assert.equal(result.proxied, true);
  const headers = result.ctx.upstream.headers;
  assert.equal(headers.get('x-consumer-id'), alice.id);
  assert.equal(headers.get('x-consumer-username'), 'alice');
  assert.equal(headers.get('x-consumer-custom-id'), 'a-1');
  assert.equal(headers.get('x-credential-identifier'), credential.id);
  assert.equal(headers.get('x-anonymous-consumer'), null, 'a spoofed anonymous header is cleared');
  assert.equal(result.ctx.consumer?.id, alice.id);
  assert.equal(headers.get('apikey'), undefined, 'the key is kept unless hide_credentials');
});

test('no key: 401 No API key found in request with WWW-Authenticate and request_id', async () => {
  const { send } = await setup({ realm: 'gw' });
  const result = await send({});
  assert.equal(result.status, 401);
  assert.equal(result.headers['www-authenticate'], 'Key realm="gw"');
  const body = JSON.parse(result.body) as { message: string; request_id: string };
  assert.equal(body.message, 'No API key found in request');
  assert.equal(typeof body.request_id, 'string');
  assert.equal((await send({ headers: { apikey: '' } })).status, 401);
});

test('an unknown key is 401 Unauthorized with WWW-Authenticate: Key', async () => {
  const { send } = await setup();
  const result = await send({ headers: { apikey: 'nope' } });
  assert.equal(result.status, 401);
  assert.equal(result.headers['www-authenticate'], 'Key');
  assert.equal(JSON.parse(result.body).message, 'Unauthorized');
  assert.equal(result.proxied, false);
});

test('two values for the key name are rejected as a duplicate', async () => {
  const { send } = await setup();
  const result = await send({ headers: { apikey: ['secret-1', 'other'] } });
  assert.equal(result.status, 401);
  assert.equal(JSON.parse(result.body).message, 'Duplicate API key found');
  const query = await send({ query: 'apikey=secret-1&apikey=x' });
  assert.equal(JSON.parse(query.body).message, 'Duplicate API key found');
});

test('query keys work and hide_credentials strips the key from query and headers', async () => {
  const { send } = await setup({ hide_credentials: true });
  const result = await send({ query: 'b=2&apikey=secret-1&a=1' });
  assert.equal(result.proxied, true);
  assert.equal(result.ctx.upstream.rawQuery, 'a=1&b=2');
  const header = await send({ headers: { apikey: 'secret-1' } });
  assert.equal(header.ctx.upstream.headers.get('apikey'), null);
});

test('header wins over query (Kong reads the header first); disabled sources are ignored', async () => {
  const { send } = await setup();
  assert.equal((await send({ headers: { apikey: 'secret-1' }, query: 'apikey=wrong' })).proxied, true);
  const headerOff = await setup({ key_in_header: false });
  assert.equal((await headerOff.send({ headers: { apikey: 'secret-1' } })).status, 401);
  const queryOff = await setup({ key_in_query: false });
  assert.equal((await queryOff.send({ query: 'apikey=secret-1' })).status, 401);
});

test('key_in_body reads form and JSON bodies and hides the key from the re-encoded body', async () => {
  const { send } = await setup({ key_in_body: true, hide_credentials: true });
  const form = await send({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'apikey=secret-1&x=1' });
  assert.equal(form.proxied, true);
  assert.equal(form.ctx.upstream.body?.toString(), 'x=1');
  const json = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"apikey":"secret-1","y":2}' });
  assert.equal(json.proxied, true);
  assert.deepEqual(JSON.parse(json.ctx.upstream.body!.toString()), { y: 2 });
  const off = await setup();
  assert.equal((await off.send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"apikey":"secret-1"}' })).status, 401);
});

test('custom key_names are tried in order', async () => {
  const { send } = await setup({ key_names: ['x-key', 'token'] });
  assert.equal((await send({ headers: { token: 'secret-1' } })).proxied, true);
  assert.equal((await send({ headers: { apikey: 'secret-1' } })).status, 401);
});

test('anonymous: failure attaches the anonymous consumer; unknown anonymous is a 500', async () => {
  const { send } = await setup({ anonymous: 'anon' });
  const result = await send({});
  assert.equal(result.proxied, true);
  assert.equal(result.ctx.upstream.headers.get('x-anonymous-consumer'), 'true');
  assert.equal(result.ctx.upstream.headers.get('x-consumer-username'), 'anon');
  assert.equal(result.ctx.upstream.headers.get('x-credential-identifier'), null);
  const missing = await setup({ anonymous: 'ghost' });
  const failed = await missing.send({});
  assert.equal(failed.status, 500);
  assert.equal(JSON.parse(failed.body).message, "anonymous consumer ghost is configured but doesn't exist");
});

test('run_on_preflight=false lets OPTIONS through unauthenticated', async () => {
  const { send } = await setup({ run_on_preflight: false });
  assert.equal((await send({ method: 'OPTIONS' })).proxied, true);
  const strict = await setup();
  assert.equal((await strict.send({ method: 'OPTIONS' })).status, 401);
});

test('credentials are cached and the cache entry is dropped when the table changes', async () => {
  const { send, store, credential, harness } = await setup();
  assert.equal((await send({ headers: { apikey: 'secret-1' } })).proxied, true);
  await store.delete('keyauth_credentials', credential.id);
  assert.equal((await send({ headers: { apikey: 'secret-1' } })).proxied, true, 'served from kong.cache');
  harness.environment.cache.invalidateTables(['keyauth_credentials']);
  assert.equal((await send({ headers: { apikey: 'secret-1' } })).status, 401);
});

test('a ttl credential is cached no longer than it lives, then rejected', async () => {
  let now = 1_000;
  const store = createMemoryStore(undefined, { now: () => now });
  await store.insert('consumers', aliceRow);
  await store.insert('keyauth_credentials', { ...credentials.validate({ consumer: { id: alice.id }, key: 'short' }, 'insert'), ttl: 5 });
  const cache = new NodeCache({ now: () => now * 1000 });
  const harness = await createPluginHarness({ plugins: [plugin], rows: [configured({})], consumers: [alice], db: store, cache });
  assert.equal((await harness.request({ route, service, headers: { apikey: 'short' } })).proxied, true);
  now += 10;
  assert.equal((await harness.request({ route, service, headers: { apikey: 'short' } })).status, 401);
});

test('schema: defaults, no consumer scope, header-name elements', async () => {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [] });
  assert.ok(harness.registry.has('key-auth'));
  const plugins = entityDefinitions.plugins;
  const row = plugins.validate({ name: 'key-auth' }, 'insert');
  assert.deepEqual(row.config, {
    key_names: ['apikey'], hide_credentials: false, anonymous: null, key_in_header: true, key_in_query: true,
    key_in_body: false, run_on_preflight: true, realm: null,
  });
  assert.throws(() => plugins.validate({ name: 'key-auth', consumer: { id: alice.id } }, 'insert'), (error: Error & { fields?: unknown }) => {
    assert.deepEqual(error.fields, { consumer: 'value must be null' });
    return true;
  });
  assert.throws(() => plugins.validate({ name: 'key-auth', config: { key_names: ['bad header'] } }, 'insert'), /bad header/);
});

test('credential entity: key generated when absent, ttl accepted, admin paths', () => {
  const row = credentials.validate({ consumer: { id: alice.id } }, 'insert');
  assert.match(String(row.key), /^[A-Za-z0-9]{32}$/);
  assert.equal(credentials.adminPath, 'key-auths');
  assert.equal(credentials.nestedAdminPath, 'key-auth');
  assert.equal(credentials.endpointKey, 'key');
  assert.deepEqual(credentials.foreignKeys, [{ field: 'consumer', reference: 'consumers', onDelete: 'cascade' }]);
  assert.equal(credentials.validate({ consumer: { id: alice.id }, ttl: 10 }, 'insert').ttl, 10);
});
