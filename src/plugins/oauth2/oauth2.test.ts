import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer, Route, Service } from '../../entities/types.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import type { KongError } from '../../core/errors.ts';
import { plugin } from './handler.ts';
import { oauth2AuthorizationCodesDao, oauth2CredentialsDao, oauth2TokensDao } from './daos.ts';
import { isHashedSecret, verifySecret } from './secret.ts';

registerPluginSchema('oauth2', plugin.schema);
for (const dao of [oauth2CredentialsDao, oauth2AuthorizationCodesDao, oauth2TokensDao]) registerEntityDefinition(defineEntity(dao));
const credentials = defineEntity(oauth2CredentialsDao);

const service = { id: '7f3c1a4e-1111-4c5d-8e9f-000000000001', name: 's' } as unknown as Service;
const otherService = { id: '7f3c1a4e-1111-4c5d-8e9f-00000000000f', name: 'o' } as unknown as Service;
const route = { id: '7f3c1a4e-2222-4c5d-8e9f-000000000002', service: { id: service.id } } as unknown as Route;
const carol: Consumer = { id: '7f3c1a4e-3333-4c5d-8e9f-000000000003', created_at: 0, updated_at: 0, username: 'carol', custom_id: null, tags: null };
const REDIRECT = 'https://app.test/cb?keep=1';
const PROVISION = 'provision-key-123';

async function setup(config: Record<string, unknown> = {}) {
  const store = createMemoryStore();
  await store.insert('consumers', { ...carol });
  await store.insert('services', { ...service } as never).catch(() => undefined);
  for (const input of [
    { name: 'app', client_id: 'conf-id', client_secret: 'conf-secret', redirect_uris: [REDIRECT], consumer: { id: carol.id } },
    { name: 'spa', client_id: 'pub-id', client_type: 'public', redirect_uris: [REDIRECT], consumer: { id: carol.id } },
    { name: 'hashed', client_id: 'hash-id', client_secret: 'hash-secret', hash_secret: true, redirect_uris: [REDIRECT], consumer: { id: carol.id } },
  ]) await store.insert('oauth2_credentials', credentials.validate(input, 'insert'));
  const conf = entityDefinitions.plugins.validate({
    name: 'oauth2',
    config: { provision_key: PROVISION, enable_authorization_code: true, enable_client_credentials: true, enable_password_grant: true, enable_implicit_grant: true, scopes: ['read', 'write'], ...config },
  }, 'insert').config as Record<string, unknown>;
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('oauth2', conf)], consumers: [carol], db: store });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}, scheme: 'http' | 'https' = 'https') =>
    harness.request({ route, service, method: 'POST', scheme, path, body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  return { harness, store, post };
}

describe('oauth2 schema and credentials', () => {
  it('needs a grant, fills defaults and a provision_key; mandatory_scope needs scopes', () => {
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'oauth2', config: {} }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('at least one of these fields must be true: enable_authorization_code, enable_implicit_grant, enable_client_credentials, enable_password_grant'));
    const conf = entityDefinitions.plugins.validate({ name: 'oauth2', config: { enable_password_grant: true } }, 'insert').config as Record<string, unknown>;
    assert.match(String(conf.provision_key), /^[A-Za-z0-9]{32}$/);
    assert.equal(conf.token_expiration, 7200);
    assert.equal(conf.refresh_token_ttl, 1209600);
    assert.equal(conf.pkce, 'lax');
    assert.equal(conf.auth_header_name, 'authorization');
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'oauth2', config: { enable_password_grant: true, mandatory_scope: true } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('required field missing'));
  });
  it('hash_secret stores a PBKDF2-SHA512 PHC string; redirect URIs may not carry a fragment', async () => {
    const row = credentials.validate({ name: 'x', client_secret: 's3cret', hash_secret: true, consumer: { id: carol.id } }, 'insert');
    assert.match(String(row.client_secret), /^\$pbkdf2-sha512\$i=10000,l=32\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await verifySecret('s3cret', String(row.client_secret)), true);
    assert.equal(await verifySecret('other', String(row.client_secret)), false);
    assert.equal(isHashedSecret(String(credentials.validate({ name: 'y', consumer: { id: carol.id } }, 'insert').client_secret)), false);
    assert.throws(() => credentials.validate({ name: 'z', redirect_uris: ['https://a.test/#frag'], consumer: { id: carol.id } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('fragment not allowed'));
  });
});

describe('oauth2 endpoints and access', () => {
  it('client_credentials: token issued (no refresh token), then the API accepts it with the consumer headers', async () => {
    const { harness, post } = await setup();
    const issued = await post('/api/oauth2/token', { grant_type: 'client_credentials', client_id: 'conf-id', client_secret: 'conf-secret', scope: 'read' });
    assert.equal(issued.status, 200, issued.body);
    assert.equal(issued.headers['cache-control'], 'no-store');
    assert.equal(issued.headers.pragma, 'no-cache');
    const token = JSON.parse(issued.body);
    assert.deepEqual(Object.keys(token), ['access_token', 'token_type', 'expires_in']);
    assert.equal(token.token_type, 'bearer');
    const api = await harness.request({ route, service, headers: { authorization: `Bearer ${token.access_token}` } });
    assert.equal(api.status, 200);
    assert.equal(api.ctx.upstream.headers.get('x-consumer-username'), 'carol');
    assert.equal(api.ctx.upstream.headers.get('x-credential-identifier'), 'conf-id');
    assert.equal(api.ctx.upstream.headers.get('x-authenticated-scope'), 'read');
    const query = await harness.request({ route, service, query: `access_token=${token.access_token}` });
    assert.equal(query.status, 200);
    const elsewhere = await harness.request({ route: { ...route, service: { id: otherService.id } } as Route, service: otherService, headers: { authorization: `bearer ${token.access_token}` } });
    assert.equal(elsewhere.status, 401, 'tokens are bound to their service');
  });

  it('hashed client secrets verify; a bad Basic secret is a 401 with the Basic challenge', async () => {
    const { post } = await setup();
    const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
    assert.equal((await post('/oauth2/token', { grant_type: 'client_credentials' }, basic('hash-id', 'hash-secret'))).status, 200);
    const wrong = await post('/oauth2/token', { grant_type: 'client_credentials' }, basic('hash-id', 'nope'));
    assert.equal(wrong.status, 401);
    assert.deepEqual(JSON.parse(wrong.body), { error: 'invalid_client', error_description: 'Invalid client authentication' });
    assert.equal(wrong.headers['www-authenticate'], 'Basic realm="OAuth2.0"');
    const body = await post('/oauth2/token', { grant_type: 'client_credentials', client_id: 'conf-id', client_secret: 'x' });
    assert.equal(body.status, 400);
  });

  it('authorization code with PKCE (S256) for a public client, then refresh', async () => {
    const { harness, post } = await setup();
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const needsPkce = await post('/oauth2/authorize', { response_type: 'code', client_id: 'pub-id', provision_key: PROVISION, authenticated_userid: 'u1' });
    assert.equal(needsPkce.status, 400);
    assert.match(JSON.parse(needsPkce.body).redirect_uri, /error=invalid_request&error_description=code_challenge%20is%20required%20for%20public%20clients&keep=1$/);
    const authorized = await post('/oauth2/authorize', { response_type: 'code', client_id: 'pub-id', provision_key: PROVISION, authenticated_userid: 'u1', scope: 'read write', state: 'xyz', code_challenge: challenge });
    assert.equal(authorized.status, 200, authorized.body);
    const redirect = new URL(JSON.parse(authorized.body).redirect_uri);
    assert.equal(redirect.searchParams.get('state'), 'xyz');
    assert.equal(redirect.searchParams.get('keep'), '1');
    const code = redirect.searchParams.get('code')!;
    const noVerifier = await post('/oauth2/token', { grant_type: 'authorization_code', client_id: 'pub-id', code });
    assert.deepEqual(JSON.parse(noVerifier.body), { error: 'invalid_request', error_description: 'code_verifier is required for PKCE authorization requests' });
    const badVerifier = await post('/oauth2/token', { grant_type: 'authorization_code', client_id: 'pub-id', code, code_verifier: 'w'.repeat(50) });
    assert.deepEqual(JSON.parse(badVerifier.body), { error: 'invalid_grant', error_description: 'Invalid code' });
    const issued = await post('/oauth2/token', { grant_type: 'authorization_code', client_id: 'pub-id', code, code_verifier: verifier });
    assert.equal(issued.status, 200, issued.body);
    const token = JSON.parse(issued.body);
    assert.match(token.refresh_token, /^[A-Za-z0-9]{32}$/);
    const reused = await post('/oauth2/token', { grant_type: 'authorization_code', client_id: 'pub-id', code, code_verifier: verifier });
    assert.deepEqual(JSON.parse(reused.body), { error: 'invalid_request', error_description: 'Invalid code' });
    const api = await harness.request({ route, service, headers: { authorization: `token ${token.access_token}` } });
    assert.equal(api.ctx.upstream.headers.get('x-authenticated-userid'), 'u1');
    assert.equal(api.ctx.upstream.headers.get('x-authenticated-scope'), 'read write');
    const refreshed = await post('/oauth2/token', { grant_type: 'refresh_token', client_id: 'pub-id', refresh_token: token.refresh_token });
    assert.equal(refreshed.status, 200, refreshed.body);
    assert.notEqual(JSON.parse(refreshed.body).access_token, token.access_token);
    const old = await harness.request({ route, service, headers: { authorization: `Bearer ${token.access_token}` } });
    assert.equal(old.status, 401, 'the refreshed token is gone');
  });

  it('password and implicit grants; provision_key and scope errors', async () => {
    const { post } = await setup();
    const password = await post('/oauth2/token', { grant_type: 'password', client_id: 'conf-id', client_secret: 'conf-secret', provision_key: PROVISION, authenticated_userid: 'u2' });
    assert.equal(password.status, 200, password.body);
    assert.ok(JSON.parse(password.body).refresh_token);
    const badKey = await post('/oauth2/token', { grant_type: 'password', client_id: 'conf-id', client_secret: 'conf-secret', provision_key: 'nope', authenticated_userid: 'u2' });
    assert.deepEqual(JSON.parse(badKey.body), { error: 'invalid_provision_key', error_description: 'Invalid provision_key' });
    const badScope = await post('/oauth2/token', { grant_type: 'password', client_id: 'conf-id', client_secret: 'conf-secret', provision_key: PROVISION, authenticated_userid: 'u2', scope: 'admin' });
    assert.deepEqual(JSON.parse(badScope.body), { error: 'invalid_scope', error_description: '"admin" is an invalid scope' });
    const implicit = await post('/oauth2/authorize', { response_type: 'token', client_id: 'conf-id', provision_key: PROVISION, authenticated_userid: 'u3' });
    assert.equal(implicit.status, 200, implicit.body);
    const fragment = new URLSearchParams(new URL(JSON.parse(implicit.body).redirect_uri).hash.slice(1));
    assert.equal(fragment.get('token_type'), 'bearer');
    assert.equal(fragment.get('refresh_token'), null);
    const unsupported = await post('/oauth2/token', { grant_type: 'magic', client_id: 'conf-id', client_secret: 'conf-secret' });
    assert.deepEqual(JSON.parse(unsupported.body), { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
  });

  it('HTTPS required, POST only, and Kong bodies for missing/invalid/global tokens', async () => {
    const { harness, post } = await setup({ realm: 'api' });
    const http = await post('/oauth2/token', { grant_type: 'client_credentials', client_id: 'conf-id', client_secret: 'conf-secret' }, {}, 'http');
    assert.deepEqual(JSON.parse(http.body), { error: 'access_denied', error_description: 'You must use HTTPS' });
    const get = await harness.request({ route, service, path: '/oauth2/authorize/', scheme: 'https' });
    assert.equal(get.status, 405);
    assert.deepEqual(JSON.parse(get.body), { error: 'invalid_method', error_description: 'The HTTP method GET is invalid for the authorization endpoint' });
    const missing = await harness.request({ route, service });
    assert.equal(missing.status, 401);
    assert.deepEqual(JSON.parse(missing.body), { error: 'invalid_request', error_description: 'The access token is missing' });
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="api"');
    const invalid = await harness.request({ route, service, headers: { authorization: 'Bearer nope' } });
    assert.deepEqual(JSON.parse(invalid.body), { error: 'invalid_token', error_description: 'The access token is invalid or has expired' });
    assert.equal(invalid.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or has expired"');
  });

  it('expired tokens are refused; global tokens need global_credentials', async () => {
    const { harness, store } = await setup();
    const base = { token_type: 'bearer', refresh_token: null, authenticated_userid: null, scope: null, tags: null, credential: { id: (await store.selectByUnique('oauth2_credentials', 'client_id', 'conf-id'))!.id } };
    await store.insert('oauth2_tokens', { ...base, id: '7f3c1a4e-5555-4c5d-8e9f-000000000005', access_token: 'expired', expires_in: 10, created_at: Math.floor(Date.now() / 1000) - 60, service: { id: service.id } });
    await store.insert('oauth2_tokens', { ...base, id: '7f3c1a4e-6666-4c5d-8e9f-000000000006', access_token: 'global', expires_in: 0, created_at: 0, service: null });
    assert.equal((await harness.request({ route, service, headers: { authorization: 'Bearer expired' } })).status, 401);
    const global = await harness.request({ route, service, headers: { authorization: 'Bearer global' } });
    assert.equal(JSON.parse(global.body).error_description, "The access token is global, but the current plugin is configured without 'global_credentials'");
    const withGlobal = await setup({ global_credentials: true });
    await withGlobal.store.insert('oauth2_tokens', { ...base, credential: { id: (await withGlobal.store.selectByUnique('oauth2_credentials', 'client_id', 'conf-id'))!.id }, id: '7f3c1a4e-6666-4c5d-8e9f-000000000007', access_token: 'global', expires_in: 0, created_at: 0, service: null });
    assert.equal((await withGlobal.harness.request({ route, service, headers: { authorization: 'Bearer global' } })).status, 200);
  });
});
