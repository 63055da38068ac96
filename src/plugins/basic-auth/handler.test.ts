import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer } from '../../entities/types.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import { basicauthCredentials } from './daos.ts';
import { parseBasicAuthorization, plugin } from './handler.ts';
import { kongLegacyHash } from './password.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerEntityDefinition(defineEntity(basicauthCredentials));
registerPluginSchema(plugin.name, plugin.schema);
const credentials = defineEntity(basicauthCredentials);
const aliceRow = entityDefinitions.consumers.validate({ username: 'alice' }, 'insert');
const alice = aliceRow as unknown as Consumer;
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function setup(config: Record<string, unknown> = {}, password = 'open sesame') {
  const store = createMemoryStore();
  await store.insert('consumers', aliceRow);
  const credential = await store.insert('basicauth_credentials', credentials.validate({ consumer: { id: alice.id }, username: 'ali', password }, 'insert'));
  const conf = entityDefinitions.plugins.validate({ name: 'basic-auth', config }, 'insert').config as Record<string, unknown>;
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('basic-auth', conf, { route: route.id })], consumers: [alice], db: store });
  return { store, credential, send: (headers: Record<string, string>) => harness.request({ route, service, headers }) };
}

test('the password is stored as a salted scrypt hash, never as given', () => {
  const one = credentials.validate({ consumer: { id: alice.id }, username: 'u', password: 'pw' }, 'insert');
  const two = credentials.validate({ consumer: { id: alice.id }, username: 'u', password: 'pw' }, 'insert');
  assert.match(String(one.password), /^scrypt\$16384\$8\$1\$/);
  assert.notEqual(one.password, two.password, 'salted');
  const kept = credentials.validate({ consumer: { id: alice.id }, username: 'u', password: 'a'.repeat(40) }, 'insert', undefined, { transform: false });
  assert.equal(kept.password, 'a'.repeat(40), '_transform: false keeps the value');
  const patched = credentials.validate({ tags: ['x'] }, 'update', one);
  assert.equal(patched.password, one.password, 'a PATCH without password keeps the hash');
});

test('valid credentials authenticate; X-Credential-Identifier is the username; the hash is not exposed', async () => {
  const { send } = await setup();
  const result = await send({ authorization: basic('ali', 'open sesame') });
  assert.equal(result.proxied, true);
  assert.equal(result.ctx.upstream.headers.get('x-consumer-id'), alice.id);
  assert.equal(result.ctx.upstream.headers.get('x-credential-identifier'), 'ali');
  assert.equal(result.ctx.credential?.password, undefined);
  assert.equal(result.ctx.upstream.headers.get('authorization'), undefined);
  // Second request: served by the recent-login digest, same outcome.
  assert.equal((await send({ authorization: basic('ali', 'open sesame') })).proxied, true);
});

test('wrong password, unknown user, missing or malformed header: 401 Unauthorized with the realm', async () => {
  const { send } = await setup({ realm: 'gw' });
  const cases: Array<Record<string, string>> = [
    { authorization: basic('ali', 'wrong') }, { authorization: basic('bob', 'open sesame') }, {},
    { authorization: 'Bearer x' }, { authorization: 'Basic !!!' }, { authorization: basic('', 'open sesame') },
  ];
  for (const headers of cases) {
    const result = await send(headers);
    assert.equal(result.status, 401, JSON.stringify(headers));
    assert.equal(JSON.parse(result.body).message, 'Unauthorized');
    assert.equal(result.headers['www-authenticate'], 'Basic realm="gw"');
  }
});

test('Proxy-Authorization is tried first, Authorization next; hide_credentials removes them', async () => {
  const { send } = await setup({ hide_credentials: true });
  const proxied = await send({ 'proxy-authorization': basic('ali', 'open sesame') });
  assert.equal(proxied.proxied, true);
  assert.equal(proxied.ctx.upstream.headers.get('proxy-authorization'), null);
  const fallback = await send({ 'proxy-authorization': basic('nobody', 'x'), authorization: basic('ali', 'open sesame') });
  assert.equal(fallback.proxied, true);
  assert.equal(fallback.ctx.upstream.headers.get('authorization'), null);
});

test('a password containing a colon keeps everything after the first colon', async () => {
  const { send } = await setup({}, 'a:b:c');
  assert.equal((await send({ authorization: basic('ali', 'a:b:c') })).proxied, true);
  assert.deepEqual(parseBasicAuthorization('basic ' + Buffer.from('u:p:q').toString('base64')), { username: 'u', password: 'p:q' });
  assert.equal(parseBasicAuthorization('Basic ' + Buffer.from(':nouser').toString('base64')), null);
});

test("Kong's SHA-1 hash (imported with _transform: false) is accepted and upgraded to scrypt on login", async () => {
  const store = createMemoryStore();
  await store.insert('consumers', aliceRow);
  const legacy = kongLegacyHash(alice.id, 'kong-pass');
  const row = credentials.validate({ consumer: { id: alice.id }, username: 'old', password: legacy }, 'insert', undefined, { transform: false });
  await store.insert('basicauth_credentials', row);
  const conf = entityDefinitions.plugins.validate({ name: 'basic-auth' }, 'insert').config as Record<string, unknown>;
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('basic-auth', conf, { route: route.id })], consumers: [alice], db: store });
  assert.equal((await harness.request({ route, service, headers: { authorization: basic('old', 'nope') } })).status, 401);
  assert.equal((await harness.request({ route, service, headers: { authorization: basic('old', 'kong-pass') } })).proxied, true);
  const upgraded = await store.select('basicauth_credentials', row.id);
  assert.match(String(upgraded?.password), /^scrypt\$/);
  assert.equal((await harness.request({ route, service, headers: { authorization: basic('old', 'kong-pass') } })).proxied, true);
});

test('anonymous on failure; schema defaults and no consumer scope', async () => {
  const store = createMemoryStore();
  const anonRow = entityDefinitions.consumers.validate({ username: 'anon' }, 'insert');
  await store.insert('consumers', anonRow);
  const conf = entityDefinitions.plugins.validate({ name: 'basic-auth', config: { anonymous: anonRow.id } }, 'insert').config as Record<string, unknown>;
  assert.deepEqual(conf, { anonymous: anonRow.id, hide_credentials: false, realm: 'service' });
  const harness = await createPluginHarness({
    plugins: [plugin], rows: [pluginRow('basic-auth', conf, { route: route.id })], consumers: [anonRow as unknown as Consumer], db: store,
  });
  const result = await harness.request({ route, service, headers: { authorization: basic('x', 'y') } });
  assert.equal(result.proxied, true);
  assert.equal(result.ctx.upstream.headers.get('x-anonymous-consumer'), 'true');
  assert.throws(() => entityDefinitions.plugins.validate({ name: 'basic-auth', consumer: { id: alice.id } }, 'insert'), /value must be null/);
  assert.throws(() => entityDefinitions.plugins.validate({ name: 'basic-auth', config: { realm: null } }, 'insert'), /required field missing/);
});
