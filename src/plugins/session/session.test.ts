import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import type { Store } from '../../store/types.ts';
import { sessionsDao } from './daos.ts';
import type { Consumer, Route, Service } from '../../entities/types.ts';
import { definePlugin } from '../../pdk/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { plugin } from './handler.ts';
import { deriveKey, openSession, sealSession, type SessionData } from './cookie.ts';

registerPluginSchema('session', plugin.schema);
registerEntityDefinition(defineEntity(sessionsDao));
const service = { id: '8f3c1a4e-1111-4c5d-8e9f-000000000001', name: 's' } as unknown as Service;
const route = { id: '8f3c1a4e-2222-4c5d-8e9f-000000000002', service: { id: service.id } } as unknown as Route;
const dave: Consumer = { id: '8f3c1a4e-3333-4c5d-8e9f-000000000003', created_at: 0, updated_at: 0, username: 'dave', custom_id: null, tags: null };

// A stand-in for a real auth plugin running after session (priority below 1900): `x-login: yes` authenticates dave.
const login = definePlugin({
  name: 'session-test-login', version: '1.0.0', priority: 1000,
  schema: { config: { type: 'record', fields: {} } },
  access(kong) {
    if (kong.client.get_credential() !== null) return;
    if (kong.request.get_header('x-login') !== 'yes') return kong.response.exit(401, { message: 'Unauthorized' });
    kong.ctx.shared.authenticated_groups = ['admins', 'ops'];
    kong.client.authenticate(dave, { id: 'cred-1' });
  },
});

async function setup(config: Record<string, unknown> = {}, db?: Store) {
  const conf = entityDefinitions.plugins.validate({ name: 'session', config: { secret: 'top-secret', ...config } }, 'insert').config as Record<string, unknown>;
  const harness = await createPluginHarness({ plugins: [plugin, login], rows: [pluginRow('session', conf), pluginRow('session-test-login', {})], consumers: [dave], db });
  return harness;
}

const cookieOf = (setCookie: string | string[] | undefined): string => {
  const value = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  return value.split(';')[0]!;
};

describe('session schema and cookie', () => {
  it("fills Kong's defaults and a random secret", () => {
    const conf = entityDefinitions.plugins.validate({ name: 'session', config: {} }, 'insert').config as Record<string, unknown>;
    assert.match(String(conf.secret), /^[A-Za-z0-9]{32}$/);
    assert.equal(conf.cookie_name, 'session');
    assert.equal(conf.cookie_same_site, 'Strict');
    assert.deepEqual(conf.logout_methods, ['POST', 'DELETE']);
    assert.equal(conf.rolling_timeout, 3600);
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'session', config: { cookie_same_site: 'Sometimes' } }, 'insert'));
  });
  it('cookies are authenticated and bound to secret and audience', () => {
    const data: SessionData = { sid: 's', sub: 'dave', aud: 'default', consumer: dave.id, credential: 'c', groups: null, created: 1, issued: 1 };
    const key = deriveKey('k', 'default');
    const sealed = sealSession(data, key);
    assert.deepEqual(openSession(sealed, key), data);
    assert.equal(openSession(sealed, deriveKey('other', 'default')), null);
    assert.equal(openSession(sealed, deriveKey('k', 'api')), null);
    const raw = Buffer.from(sealed, 'base64url');
    raw[20] = raw[20]! ^ 1;
    assert.equal(openSession(raw.toString('base64url'), key), null, 'a flipped bit is rejected');
    assert.equal(openSession('garbage', key), null);
  });
});

describe('session access and header_filter', () => {
  it('a consumer authenticated by a later plugin gets a session; the cookie then authenticates alone', async () => {
    const harness = await setup({ response_headers: ['subject', 'audience'] });
    assert.equal((await harness.request({ route, service })).status, 401, 'no session, no login');
    const first = await harness.request({ route, service, headers: { 'x-login': 'yes' } });
    assert.equal(first.status, 200);
    const setCookie = String(first.headers['set-cookie']);
    assert.match(setCookie, /^session=[A-Za-z0-9_-]+; Path=\/; SameSite=Strict; HttpOnly; Secure$/);
    assert.equal(first.headers['session-subject'], 'dave');
    const cookie = cookieOf(first.headers['set-cookie']);
    const second = await harness.request({ route, service, headers: { cookie: `other=1; ${cookie}` } });
    assert.equal(second.status, 200);
    assert.equal(second.ctx.upstream.headers.get('x-consumer-username'), 'dave');
    assert.equal(second.ctx.upstream.headers.get('x-credential-identifier'), 'cred-1');
    assert.equal(second.ctx.upstream.headers.get('x-authenticated-groups'), 'admins, ops');
    assert.equal(second.headers['set-cookie'], undefined, 'a fresh session is not re-sent');
  });

  it('tampered, foreign-audience and expired cookies are ignored', async () => {
    const harness = await setup({ absolute_timeout: 60 });
    const key = deriveKey('top-secret', 'default');
    const base: SessionData = { sid: 'x', sub: 'dave', aud: 'default', consumer: dave.id, credential: 'cred-1', groups: null, created: 0, issued: 0 };
    const at = Math.floor(Date.now() / 1000);
    const send = (data: SessionData, withKey = key) => harness.request({ route, service, headers: { cookie: `session=${sealSession(data, withKey)}` } });
    assert.equal((await send({ ...base, created: at, issued: at })).status, 200);
    assert.equal((await send({ ...base, created: at - 120, issued: at })).status, 401, 'absolute timeout');
    assert.equal((await send({ ...base, created: at, issued: at - 1000 })).status, 401, 'idling timeout (900 s)');
    assert.equal((await send({ ...base, created: at, issued: at }, deriveKey('top-secret', 'api'))).status, 401);
    assert.equal((await harness.request({ route, service, headers: { cookie: 'session=AAAA' } })).status, 401);
  });

  it('an aging cookie is re-issued; logout destroys the session with 200 and an empty body', async () => {
    const harness = await setup();
    const key = deriveKey('top-secret', 'default');
    const at = Math.floor(Date.now() / 1000);
    const cookie = `session=${sealSession({ sid: 'x', sub: 'dave', aud: 'default', consumer: dave.id, credential: 'cred-1', groups: null, created: at - 200, issued: at - 200 }, key)}`;
    const refreshed = await harness.request({ route, service, headers: { cookie } });
    assert.equal(refreshed.status, 200);
    const renewed = openSession(cookieOf(refreshed.headers['set-cookie']).slice('session='.length), key)!;
    assert.equal(renewed.sid, 'x');
    assert.ok(renewed.issued >= at);
    assert.equal(renewed.created, at - 200);
    const notLogout = await harness.request({ route, service, method: 'GET', query: 'session_logout=1', headers: { cookie } });
    assert.equal(notLogout.proxied, true, 'GET is not a logout method by default');
    const logout = await harness.request({ route, service, method: 'DELETE', query: 'session_logout', headers: { cookie } });
    assert.equal(logout.status, 200);
    assert.equal(logout.body, '');
    assert.equal(logout.proxied, false);
    assert.match(String(logout.headers['set-cookie']), /^session=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0/);
    const form = await setup({ read_body_for_logout: true });
    const posted = await form.request({ route, service, method: 'POST', body: 'session_logout=true', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(posted.status, 200);
    assert.equal(posted.proxied, false);
  });

  it('storage = kong keeps a server-side row: deleting it revokes the cookie, logout deletes it', async () => {
    const store = createMemoryStore();
    const harness = await setup({ storage: 'kong' }, store);
    const login = await harness.request({ route, service, headers: { 'x-login': 'yes' } });
    const cookie = cookieOf(login.headers['set-cookie']);
    const [row] = await store.all('sessions');
    assert.ok(row, 'a sessions row was written');
    assert.ok(Number(row.ttl) > 86000, 'the row lives as long as the absolute timeout');
    assert.equal((await harness.request({ route, service, headers: { cookie } })).status, 200);
    const logout = await harness.request({ route, service, method: 'POST', query: 'session_logout=1', headers: { cookie } });
    assert.equal(logout.status, 200);
    assert.deepEqual(await store.all('sessions'), []);
    assert.equal((await harness.request({ route, service, headers: { cookie } })).status, 401, 'the cookie alone no longer authenticates');
  });
});
