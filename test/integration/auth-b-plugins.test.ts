// jwt, hmac-auth, oauth2 and session end to end: credentials written through the Admin API into
// a SQLite store (nested and top-level endpoints of the plugin DAOs), requests through the real
// proxy to a loopback upstream, the plugins reading and writing the same store through kong.db.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { call, startHarness, type Harness } from '../../src/admin/testing/harness.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Consumer, EntitySet } from '../../src/entities/types.ts';
import { NodeCache, type AnyPluginDefinition, type PdkEnvironment } from '../../src/pdk/index.ts';
import { buildPluginTable, createPluginRegistry } from '../../src/pipeline/index.ts';
import { plugin as jwt } from '../../src/plugins/jwt/handler.ts';
import { plugin as hmacAuth } from '../../src/plugins/hmac-auth/handler.ts';
import { plugin as oauth2 } from '../../src/plugins/oauth2/handler.ts';
import { plugin as session } from '../../src/plugins/session/handler.ts';
import { loadDeclarative } from '../../src/store/declarative/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';

const PLUGINS: AnyPluginDefinition[] = [jwt, hmacAuth, oauth2, session];
const CORE_TABLES = ['services', 'routes', 'consumers', 'plugins', 'upstreams', 'targets', 'certificates', 'snis', 'ca_certificates'];
const PROVISION = 'auth-b-provision-key';

let directory: string;
let store: Store;
let admin: Harness;
let upstream: Upstream;
let proxy: ProxyHarness;
const api = (method: string, path: string, json?: unknown) => call(admin.url, method, path, json === undefined ? {} : { json });

before(async () => {
  // Plugin DAOs must be registered before the store creates tables and the Admin API its routes.
  await createPluginRegistry(PLUGINS.map((plugin) => plugin.name), [], { bundled: PLUGINS });
  directory = mkdtempSync(join(tmpdir(), 'portico-auth-b-'));
  store = await createSqliteStore({ path: join(directory, 'kong.db') });
  admin = await startHarness({ database: 'sqlite', store });
  upstream = await startUpstream();
  const created = async (path: string, body: unknown) => {
    const response = await api('POST', path, body);
    assert.equal(response.status, 201, `${path}: ${response.text}`);
    return response.body;
  };
  await created('/services', { name: 'echo', url: `http://127.0.0.1:${upstream.port}` });
  for (const name of ['jwt', 'hmac', 'oauth', 'session']) await created('/services/echo/routes', { name, paths: [`/${name}`] });
  await created('/consumers', { username: 'alice' });
  await created('/consumers', { username: 'anonymous' });
  await created('/consumers/alice/jwt', { key: 'alice-iss', secret: 'alice-jwt-secret' });
  await created('/consumers/alice/hmac-auth', { username: 'alice-hmac', secret: 'alice-hmac-secret' });
  await created('/consumers/alice/oauth2', { name: 'app', client_id: 'app-id', client_secret: 'app-secret', hash_secret: true, redirect_uris: ['https://app.test/cb'] });
  await created('/routes/jwt/plugins', { name: 'jwt', config: { claims_to_verify: ['exp'] } });
  await created('/routes/hmac/plugins', { name: 'hmac-auth', config: { enforce_headers: ['date'] } });
  await created('/routes/oauth/plugins', { name: 'oauth2', config: { enable_client_credentials: true, provision_key: PROVISION, accept_http_if_already_terminated: true } });
  await created('/routes/session/plugins', { name: 'session', config: { secret: 'session-secret', cookie_secure: false } });
  await created('/routes/session/plugins', { name: 'jwt', config: { anonymous: 'anonymous' } });
  // The proxy trusts 127.0.0.1 so X-Forwarded-Proto: https counts as terminated TLS for oauth2.
  proxy = await proxyOverStore(store, { trusted_ips: '127.0.0.1' });
});

after(async () => {
  await proxy?.close();
  await upstream?.close();
  await admin?.close();
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function proxyOverStore(db: Store, overrides: Record<string, string>): Promise<ProxyHarness> {
  const registry = await createPluginRegistry(PLUGINS.map((plugin) => plugin.name), [], { bundled: PLUGINS });
  const entities = {} as EntitySet;
  for (const table of CORE_TABLES) (entities as Record<string, unknown[]>)[table] = await db.all(table);
  const environment: PdkEnvironment = {
    logger: createLogger('crit'), cache: new NodeCache(), nodeId: '00000000-0000-4000-8000-0000000000bb',
    loadConsumer: async (key, byUsername) =>
      ((await db.select('consumers', key)) ?? (byUsername ? await db.selectByUnique('consumers', 'username', key) : null)) as Consumer | null,
    upstreamExists: () => false,
    db,
  };
  const table = await buildPluginTable(entities.plugins, registry, { version: 1, environment });
  return startProxy(entities, overrides, { plugins: table });
}

const aliceToken = (claims: Record<string, unknown> = {}) =>
  new SignJWT({ iss: 'alice-iss', exp: Math.floor(Date.now() / 1000) + 60, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from('alice-jwt-secret'));

test('Admin API: nested and top-level endpoints of jwt, hmac-auth and oauth2 credentials', async () => {
  const jwts = await api('GET', '/consumers/alice/jwt');
  assert.deepEqual(jwts.body.data.map((row: { key: string }) => row.key), ['alice-iss']);
  assert.equal((await api('GET', '/jwts/alice-iss')).body.algorithm, 'HS256');
  const badKey = await api('POST', '/consumers/alice/jwt', { algorithm: 'RS256', rsa_public_key: 'not a key' });
  assert.equal(badKey.status, 400);
  assert.match(badKey.text, /invalid key/);
  assert.equal((await api('GET', '/hmac-auths/alice-hmac')).body.username, 'alice-hmac');
  const app = await api('GET', '/oauth2/app-id');
  assert.equal(app.status, 200);
  assert.match(app.body.client_secret, /^\$pbkdf2-sha512\$/, 'hash_secret: only the hash is stored');
});

test('jwt through the proxy', async () => {
  const ok = await send(proxy.port, '/jwt', { headers: { authorization: `Bearer ${await aliceToken()}` } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(upstream.requests.at(-1)!.headers['x-consumer-username'], 'alice');
  assert.equal(upstream.requests.at(-1)!.headers['x-credential-identifier'], 'alice-iss');
  const expired = await send(proxy.port, '/jwt', { headers: { authorization: `Bearer ${await aliceToken({ exp: 1 })}` } });
  assert.equal(expired.status, 401);
  assert.deepEqual(JSON.parse(expired.body), { exp: 'token expired' });
  const missing = await send(proxy.port, '/jwt');
  assert.equal(missing.headers['www-authenticate'], 'Bearer');
});

test('hmac-auth through the proxy', async () => {
  const date = new Date().toUTCString();
  const signature = createHmac('sha256', 'alice-hmac-secret').update(`date: ${date}\n@request-target: get /hmac?x=1`).digest('base64');
  const authorization = `hmac username="alice-hmac", algorithm="hmac-sha256", headers="date @request-target", signature="${signature}"`;
  const ok = await send(proxy.port, '/hmac?x=1', { headers: { date, authorization } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(upstream.requests.at(-1)!.headers['x-credential-identifier'], 'alice-hmac');
  const replayed = await send(proxy.port, '/hmac?x=2', { headers: { date, authorization } });
  assert.equal(replayed.status, 401);
  assert.equal(JSON.parse(replayed.body).message, 'HMAC signature does not match');
});

test('oauth2 client credentials over terminated TLS, then the API with the token', async () => {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app-id', client_secret: 'app-secret' }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const plain = await send(proxy.port, '/oauth/oauth2/token', { method: 'POST', headers, body: form });
  assert.deepEqual(JSON.parse(plain.body), { error: 'access_denied', error_description: 'You must use HTTPS' });
  const issued = await send(proxy.port, '/oauth/oauth2/token', { method: 'POST', headers: { ...headers, 'x-forwarded-proto': 'https' }, body: form });
  assert.equal(issued.status, 200, issued.body);
  assert.equal(issued.headers['cache-control'], 'no-store');
  const { access_token: accessToken } = JSON.parse(issued.body);
  const stored = await api('GET', `/oauth2_tokens/${accessToken}`);
  assert.equal(stored.status, 200);
  assert.ok(stored.body.ttl > 0, 'tokens are ttl rows');
  const ok = await send(proxy.port, '/oauth', { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(upstream.requests.at(-1)!.headers['x-credential-identifier'], 'app-id');
  const bad = await send(proxy.port, '/oauth', { headers: { authorization: 'Bearer nope' } });
  assert.equal(bad.status, 401);
  assert.match(String(bad.headers['www-authenticate']), /error="invalid_token"/);
});

test('session: a jwt login yields a cookie that authenticates the next request on its own', async () => {
  const login = await send(proxy.port, '/session', { headers: { authorization: `Bearer ${await aliceToken()}` } });
  assert.equal(login.status, 200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  assert.match(cookie, /^session=/);
  const next = await send(proxy.port, '/session', { headers: { cookie } });
  assert.equal(next.status, 200);
  assert.equal(upstream.requests.at(-1)!.headers['x-consumer-username'], 'alice');
  assert.equal(upstream.requests.at(-1)!.headers['x-anonymous-consumer'], undefined);
  const stranger = await send(proxy.port, '/session');
  assert.equal(upstream.requests.at(-1)!.headers['x-consumer-username'], 'anonymous', stranger.body);
  const logout = await send(proxy.port, '/session?session_logout=1', { method: 'DELETE', headers: { cookie } });
  assert.equal(logout.status, 200);
  assert.equal(logout.body, '');
});

test('kong.yml: jwt_secrets, hmacauth_credentials and oauth2_credentials nested under consumers', () => {
  const yaml = `_format_version: "3.0"
consumers:
- username: dana
  jwt_secrets:
  - key: dana-iss
    secret: s
  hmacauth_credentials:
  - username: dana-hmac
  oauth2_credentials:
  - name: dana-app
    client_id: dana-app
    redirect_uris: [https://dana.test/cb]
`;
  const loaded = loadDeclarative(yaml, { pluginNames: PLUGINS.map((plugin) => plugin.name) });
  assert.equal(loaded.entities.jwt_secrets?.[0]?.key, 'dana-iss');
  assert.equal(loaded.entities.hmacauth_credentials?.[0]?.username, 'dana-hmac');
  assert.match(String(loaded.entities.hmacauth_credentials?.[0]?.secret), /^[A-Za-z0-9]{32}$/);
  assert.equal(loaded.entities.oauth2_credentials?.[0]?.client_type, 'confidential');
});
