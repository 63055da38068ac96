// key-auth + acl (+ basic-auth) end to end: credentials written through the Admin API into a
// SQLite store, requests through the real proxy to a loopback upstream, the plugins reading the
// same store through kong.db.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startHarness, type Harness } from '../../src/admin/testing/harness.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Consumer, EntitySet } from '../../src/entities/types.ts';
import { NodeCache, type AnyPluginDefinition, type PdkEnvironment } from '../../src/pdk/index.ts';
import { buildPluginTable, createPluginRegistry, onEntityChange } from '../../src/pipeline/index.ts';
import { plugin as acl } from '../../src/plugins/acl/handler.ts';
import { plugin as basicAuth } from '../../src/plugins/basic-auth/handler.ts';
import { kongLegacyHash } from '../../src/plugins/basic-auth/password.ts';
import { plugin as keyAuth } from '../../src/plugins/key-auth/handler.ts';
import { loadDeclarative } from '../../src/store/declarative/index.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';

const PLUGINS: AnyPluginDefinition[] = [keyAuth, acl, basicAuth];
const CORE_TABLES = ['services', 'routes', 'consumers', 'plugins', 'upstreams', 'targets', 'certificates', 'snis', 'ca_certificates'];

/** The proxy over `store`'s current rows, with plugins reading credentials from the store. */
async function proxyOverStore(store: Store, plugins: readonly AnyPluginDefinition[]): Promise<{ proxy: ProxyHarness; cache: NodeCache }> {
  const registry = await createPluginRegistry(plugins.map((plugin) => plugin.name), [], { bundled: plugins });
  const entities = {} as EntitySet;
  for (const table of CORE_TABLES) (entities as Record<string, unknown[]>)[table] = await store.all(table);
  const cache = new NodeCache();
  const environment: PdkEnvironment = {
    logger: createLogger('crit'),
    cache,
    nodeId: '00000000-0000-4000-8000-0000000000ab',
    loadConsumer: async (key, byUsername) =>
      ((await store.select('consumers', key)) ?? (byUsername ? await store.selectByUnique('consumers', 'username', key) : null)) as Consumer | null,
    upstreamExists: () => false,
    db: store,
  };
  const table = await buildPluginTable(entities.plugins, registry, { version: 1, environment });
  return { proxy: await startProxy(entities, {}, { plugins: table }), cache };
}

let directory: string;
let store: Store;
let admin: Harness;
let upstream: Upstream;
let proxy: ProxyHarness;
let cache: NodeCache;
const api = (method: string, path: string, json?: unknown) => call(admin.url, method, path, json === undefined ? {} : { json });

before(async () => {
  // The plugin DAOs must be registered before the store creates its tables and the Admin API its routes.
  await createPluginRegistry(PLUGINS.map((plugin) => plugin.name), [], { bundled: PLUGINS });
  directory = mkdtempSync(join(tmpdir(), 'portico-auth-a-'));
  store = await createSqliteStore({ path: join(directory, 'kong.db') });
  admin = await startHarness({ database: 'sqlite', store });
  upstream = await startUpstream();
  const created = async (path: string, body: unknown) => {
    const response = await api('POST', path, body);
    assert.equal(response.status, 201, `${path}: ${response.text}`);
    return response.body;
  };
  await created('/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` });
  await created('/services/echo/routes', { name: 'admin-area', paths: ['/admin'] });
  await created('/services/echo/routes', { name: 'basic-area', paths: ['/basic'] });
  await created('/consumers', { username: 'alice', custom_id: 'A-1' });
  await created('/consumers', { username: 'bob' });
  await created('/consumers/alice/key-auth', { key: 'alice-key' });
  await created('/consumers/bob/key-auth', { key: 'bob-key' });
  await created('/consumers/alice/acls', { group: 'admins' });
  await created('/consumers/alice/basic-auth', { username: 'alice-basic', password: 'pa:ss' });
  await created('/routes/admin-area/plugins', { name: 'key-auth', config: { hide_credentials: true } });
  await created('/routes/admin-area/plugins', { name: 'acl', config: { allow: ['admins'] } });
  await created('/routes/basic-area/plugins', { name: 'basic-auth' });
  // Stacked authentication (Kong's logical OR): either a key or basic credentials, else anonymous.
  await created('/consumers', { username: 'anonymous-user' });
  await created('/services/echo/routes', { name: 'either', paths: ['/either'] });
  await created('/routes/either/plugins', { name: 'key-auth', config: { anonymous: 'anonymous-user' } });
  await created('/routes/either/plugins', { name: 'basic-auth', config: { anonymous: 'anonymous-user' } });
  ({ proxy, cache } = await proxyOverStore(store, PLUGINS));
});

after(async () => {
  await proxy?.close();
  await upstream?.close();
  await admin?.close();
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

test('Admin API: generated keys, nested and top-level credential endpoints, hashed basic-auth passwords', async () => {
  const generated = await api('POST', '/consumers/bob/key-auth', {});
  assert.equal(generated.status, 201);
  assert.match(generated.body.key, /^[A-Za-z0-9]{32}$/);
  assert.equal((await api('GET', `/key-auths/${generated.body.key}`)).body.id, generated.body.id);
  const listed = await api('GET', '/consumers/alice/key-auth');
  assert.deepEqual(listed.body.data.map((row: { key: string }) => row.key), ['alice-key']);
  assert.equal((await api('GET', '/acls')).body.data[0].group, 'admins');
  // Kong's acl endpoints address a membership by group name under its consumer.
  const membership = await api('GET', '/consumers/alice/acls/admins');
  assert.equal(membership.status, 200);
  assert.equal(membership.body.group, 'admins');
  assert.equal((await api('GET', '/consumers/bob/acls/admins')).status, 404);
  assert.equal((await api('GET', '/acls/admins')).status, 404, 'not globally unique: ids only at the top level');
  const put = await api('PUT', '/consumers/bob/acls/readers', { tags: ['t'] });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.body.group, 'readers');
  assert.equal((await api('DELETE', '/consumers/bob/acls/readers')).status, 204);
  assert.equal((await api('GET', `/acls/${put.body.id}`)).status, 404);
  const basic = await api('GET', '/basic-auths/alice-basic');
  assert.equal(basic.status, 200);
  assert.notEqual(basic.body.password, 'pa:ss');
  assert.match(basic.body.password, /^scrypt\$/);
  const duplicate = await api('POST', '/consumers/bob/key-auth', { key: 'alice-key' });
  assert.equal(duplicate.status, 409);
  assert.equal((await api('DELETE', `/key-auths/${generated.body.id}`)).status, 204);
});

test('key-auth + acl through the proxy: 401 without key, 403 outside the group, 200 with consumer headers', async () => {
  const missing = await send(proxy.port, '/admin');
  assert.equal(missing.status, 401);
  assert.equal(missing.headers['www-authenticate'], 'Key');
  assert.equal(JSON.parse(missing.body).message, 'No API key found in request');
  const wrong = await send(proxy.port, '/admin', { headers: { apikey: 'nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(JSON.parse(wrong.body).message, 'Unauthorized');
  const outsider = await send(proxy.port, '/admin', { headers: { apikey: 'bob-key' } });
  assert.equal(outsider.status, 403);
  assert.equal(JSON.parse(outsider.body).message, 'You cannot consume this service');
  const before = upstream.requests.length;
  const ok = await send(proxy.port, '/admin?apikey=alice-key&x=1', { headers: { 'x-consumer-username': 'mallory' } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(upstream.requests.length, before + 1);
  const seen = upstream.requests.at(-1)!;
  assert.equal(seen.headers['x-consumer-username'], 'alice', 'a spoofed identity header is overwritten');
  assert.equal(seen.headers['x-consumer-custom-id'], 'A-1');
  assert.equal(seen.headers['x-consumer-groups'], 'admins');
  assert.equal(seen.headers['x-anonymous-consumer'], undefined);
  assert.equal(seen.url, '/?x=1', 'hide_credentials removed the key from the query (strip_path drops /admin)');
  // The credential and consumer are cached now: the same request is decided without awaiting
  // (key-auth's synchronous way) and must look the same upstream, key in the query or a header.
  for (const round of [1, 2]) {
    const again = await send(proxy.port, '/admin?apikey=alice-key&x=1', { headers: { 'x-consumer-username': 'mallory' } });
    assert.equal(again.status, 200, again.body);
    const repeated = upstream.requests.at(-1)!;
    assert.equal(repeated.url, '/?x=1', `round ${round}: key hidden from the query`);
    assert.equal(repeated.headers['x-consumer-username'], 'alice');
    assert.equal(repeated.headers['x-consumer-custom-id'], 'A-1');
    assert.equal(repeated.headers['x-credential-identifier'], seen.headers['x-credential-identifier']);
    assert.equal(repeated.headers['x-consumer-groups'], 'admins', 'acl decided from its cached groups');
    const refused = await send(proxy.port, '/admin', { headers: { apikey: 'bob-key' } });
    assert.equal(refused.status, 403, `round ${round}: a cached outsider is still refused`);
    assert.equal(JSON.parse(refused.body).message, 'You cannot consume this service');
    const byHeader = await send(proxy.port, '/admin?x=2', { headers: { apikey: 'alice-key' } });
    assert.equal(byHeader.status, 200, byHeader.body);
    assert.equal(upstream.requests.at(-1)!.headers.apikey, undefined, `round ${round}: key hidden from the headers`);
    assert.equal((await send(proxy.port, '/admin', { headers: { apikey: 'nope' } })).status, 401, 'a cached miss is still refused');
  }
});

test('basic-auth through the proxy; a deleted credential stops working once its cache entry is invalidated', async () => {
  const authorization = `Basic ${Buffer.from('alice-basic:pa:ss').toString('base64')}`;
  const ok = await send(proxy.port, '/basic', { headers: { authorization } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(upstream.requests.at(-1)!.headers['x-credential-identifier'], 'alice-basic');
  const denied = await send(proxy.port, '/basic', { headers: { authorization: `Basic ${Buffer.from('alice-basic:nope').toString('base64')}` } });
  assert.equal(denied.status, 401);
  assert.equal(denied.headers['www-authenticate'], 'Basic realm="service"');

  const credential = (await api('GET', '/key-auths/alice-key')).body;
  assert.equal((await api('DELETE', `/key-auths/${credential.id}`)).status, 204);
  onEntityChange(cache, 'keyauth_credentials');
  assert.equal((await send(proxy.port, '/admin', { headers: { apikey: 'alice-key' } })).status, 401);
});

test('kong.yml: credentials nested under consumers load, and Kong-exported SHA-1 passwords work with _transform: false', async () => {
  const consumerId = '6b4b1bd8-2b2e-4bde-9a4b-0d3c4a1d9f01';
  const yaml = (transform: boolean) => `_format_version: "3.0"
_transform: ${transform}
services:
- name: yml-echo
  url: http://127.0.0.1:${upstream.port}
  routes:
  - name: yml-route
    paths: [/yml]
    plugins:
    - name: basic-auth
    - name: acl
      config: { deny: [blocked] }
consumers:
- id: ${consumerId}
  username: carol
  keyauth_credentials:
  - key: carol-key
  basicauth_credentials:
  - username: carol-basic
    password: ${kongLegacyHash(consumerId, 'from-kong')}
  acls:
  - group: staff
`;
  const exported = loadDeclarative(yaml(false), { pluginNames: PLUGINS.map((plugin) => plugin.name) });
  assert.equal(exported.entities.keyauth_credentials?.[0]?.key, 'carol-key');
  assert.equal(exported.entities.acls?.[0]?.group, 'staff');
  assert.equal(exported.entities.basicauth_credentials?.[0]?.password, kongLegacyHash(consumerId, 'from-kong'), 'kept as given');
  const transformed = loadDeclarative(yaml(true), { pluginNames: PLUGINS.map((plugin) => plugin.name) });
  assert.match(String(transformed.entities.basicauth_credentials?.[0]?.password), /^scrypt\$/, 'hashed when _transform is true');

  const memory = createMemoryStore(exported.entities);
  const { proxy: yml } = await proxyOverStore(memory, PLUGINS);
  try {
    const authorization = `Basic ${Buffer.from('carol-basic:from-kong').toString('base64')}`;
    const ok = await send(yml.port, '/yml', { headers: { authorization } });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(upstream.requests.at(-1)!.headers['x-consumer-groups'], 'staff');
    assert.match(String((await memory.selectByUnique('basicauth_credentials', 'username', 'carol-basic'))?.password), /^scrypt\$/, 'upgraded on login');
    assert.equal((await send(yml.port, '/yml', { headers: { authorization } })).status, 200, 'still valid after the upgrade');
    assert.equal((await send(yml.port, '/yml', { headers: { authorization: `Basic ${Buffer.from('carol-basic:x').toString('base64')}` } })).status, 401);
  } finally {
    await yml.close();
  }
});

test('stacked key-auth + basic-auth with anonymous: either credential authenticates, none gives the anonymous consumer', async () => {
  const headersSeen = async (headers: Record<string, string>) => {
    const response = await send(proxy.port, '/either', { headers });
    assert.equal(response.status, 200, response.body);
    return upstream.requests.at(-1)!.headers;
  };
  const byKey = await headersSeen({ apikey: 'bob-key' });
  assert.equal(byKey['x-consumer-username'], 'bob');
  assert.equal(byKey['x-anonymous-consumer'], undefined);
  const byBasic = await headersSeen({ authorization: `Basic ${Buffer.from('alice-basic:pa:ss').toString('base64')}` });
  assert.equal(byBasic['x-consumer-username'], 'alice');
  assert.equal(byBasic['x-credential-identifier'], 'alice-basic');
  assert.equal(byBasic['x-anonymous-consumer'], undefined, 'basic-auth replaced the anonymous consumer key-auth had set');
  // The second time the wrong key's miss is cached, so key-auth decides without awaiting: the
  // anonymous fallback must still apply.
  for (const round of [1, 2]) {
    const nobody = await headersSeen({ apikey: 'wrong' });
    assert.equal(nobody['x-consumer-username'], 'anonymous-user', `round ${round}`);
    assert.equal(nobody['x-anonymous-consumer'], 'true');
    assert.equal(nobody['x-credential-identifier'], undefined);
  }
  const again = await headersSeen({ apikey: 'bob-key' });
  assert.equal(again['x-consumer-username'], 'bob', 'a cached key authenticates on the synchronous path');
  assert.equal(again['x-anonymous-consumer'], undefined);
});
