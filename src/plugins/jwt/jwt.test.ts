import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer, Route, Service } from '../../entities/types.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import { KongError } from '../../core/errors.ts';
import { plugin } from './handler.ts';
import { jwtSecretsDao } from './daos.ts';

registerPluginSchema('jwt', plugin.schema);
registerEntityDefinition(defineEntity(jwtSecretsDao));
const jwtSecrets = defineEntity(jwtSecretsDao);

const service = { id: '5f3c1a4e-1111-4c5d-8e9f-000000000001', name: 's' } as unknown as Service;
const route = { id: '5f3c1a4e-2222-4c5d-8e9f-000000000002', service: { id: service.id } } as unknown as Route;
const alice: Consumer = { id: '5f3c1a4e-3333-4c5d-8e9f-000000000003', created_at: 0, updated_at: 0, username: 'alice', custom_id: 'A1', tags: null };
const anon: Consumer = { id: '5f3c1a4e-4444-4c5d-8e9f-000000000004', created_at: 0, updated_at: 0, username: 'anon', custom_id: null, tags: null };
const GHOST_ID = '5f3c1a4e-9999-4c5d-8e9f-000000000009';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const pem = (key: typeof rsa.publicKey): string => key.export({ type: 'spki', format: 'pem' }) as string;

async function setup(config: Record<string, unknown> = {}) {
  const store = createMemoryStore();
  await store.insert('consumers', { ...alice });
  await store.insert('consumers', { ...anon });
  // In the store but unknown to the consumer loader: "Could not find consumer".
  await store.insert('consumers', { ...anon, id: GHOST_ID, username: 'ghost' });
  const credentials = [
    { key: 'hs-key', secret: 'hs-secret', consumer: { id: alice.id } },
    { key: 'hs-b64', secret: Buffer.from('raw-bytes-secret').toString('base64'), consumer: { id: alice.id } },
    { key: 'rs-key', algorithm: 'RS256', rsa_public_key: pem(rsa.publicKey), consumer: { id: alice.id } },
    { key: 'es-key', algorithm: 'ES256', rsa_public_key: pem(ec.publicKey), consumer: { id: alice.id } },
    { key: 'ps-key', algorithm: 'PS512', rsa_public_key: pem(rsa.publicKey), consumer: { id: alice.id } },
    { key: 'ed-key', algorithm: 'EdDSA', rsa_public_key: pem(ed.publicKey), consumer: { id: alice.id } },
    { key: 'ghost', secret: 'g', consumer: { id: GHOST_ID } },
  ];
  for (const input of credentials) await store.insert('jwt_secrets', jwtSecrets.validate(input, 'insert'));
  const row = pluginRow('jwt', entityDefinitions.plugins.validate({ name: 'jwt', config }, 'insert').config as Record<string, unknown>);
  return createPluginHarness({ plugins: [plugin], rows: [row], consumers: [alice, anon], db: store });
}

const sign = (claims: Record<string, unknown>, alg: string, key: Parameters<SignJWT['sign']>[0]): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
const hs = (claims: Record<string, unknown>, secret = 'hs-secret'): Promise<string> => sign(claims, 'HS256', Buffer.from(secret));
const bearer = (token: string) => ({ route, service, headers: { authorization: `Bearer ${token}` } });

describe('jwt schema', () => {
  it('fills Kong defaults', () => {
    const row = entityDefinitions.plugins.validate({ name: 'jwt', config: {} }, 'insert');
    assert.deepEqual(row.config, {
      uri_param_names: ['jwt'], cookie_names: [], key_claim_name: 'iss', secret_is_base64: false, claims_to_verify: null,
      anonymous: null, run_on_preflight: true, maximum_expiration: 0, header_names: ['authorization'], realm: null,
    });
  });
  it('rejects unknown claims and a maximum_expiration without exp', () => {
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'jwt', config: { claims_to_verify: ['iat'] } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('expected one of: exp, nbf'));
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'jwt', config: { maximum_expiration: 60, claims_to_verify: ['nbf'] } }, 'insert'),
      (error: KongError) => error instanceof KongError && error.code === 2 &&
        JSON.stringify(error.fields) === JSON.stringify({
          '@entity': ["failed conditional validation given value of field 'config.maximum_expiration'"],
          config: { claims_to_verify: 'expected to contain: exp' },
        }));
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'jwt', config: { maximum_expiration: 31536001, claims_to_verify: ['exp'] } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('value should be between 0 and 31536000'));
  });
  it('jwt_secrets: auto key/secret, HS256 default, asymmetric algorithms need a parseable key', () => {
    const row = jwtSecrets.validate({ consumer: { id: alice.id } }, 'insert');
    assert.equal(row.algorithm, 'HS256');
    assert.match(String(row.key), /^[A-Za-z0-9]{32}$/);
    assert.match(String(row.secret), /^[A-Za-z0-9]{32}$/);
    assert.throws(() => jwtSecrets.validate({ consumer: { id: alice.id }, algorithm: 'RS256' }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('rsa_public_key'));
    assert.throws(() => jwtSecrets.validate({ consumer: { id: alice.id }, algorithm: 'EdDSA', rsa_public_key: 'nope' }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('invalid key'));
    assert.equal(jwtSecretsDao.adminPath, 'jwts');
    assert.equal(jwtSecretsDao.nestedAdminPath, 'jwt');
  });
});

describe('jwt access', () => {
  it('authenticates HS256, RS256, ES256, PS512 and EdDSA tokens and sets the consumer headers', async () => {
    const harness = await setup();
    const tokens = [
      await hs({ iss: 'hs-key' }),
      await sign({ iss: 'rs-key' }, 'RS256', rsa.privateKey),
      await sign({ iss: 'es-key' }, 'ES256', ec.privateKey),
      await sign({ iss: 'ps-key' }, 'PS512', rsa.privateKey),
      await sign({ iss: 'ed-key' }, 'EdDSA', ed.privateKey),
    ];
    for (const token of tokens) {
      const result = await harness.request(bearer(token));
      assert.equal(result.status, 200, result.body);
      const headers = result.ctx.upstream.headers;
      assert.equal(headers.get('x-consumer-id'), alice.id);
      assert.equal(headers.get('x-consumer-username'), 'alice');
      assert.equal(headers.get('x-consumer-custom-id'), 'A1');
      assert.match(String(headers.get('x-credential-identifier')), /^(hs|rs|es|ps|ed)-key$/);
      assert.equal(headers.get('x-anonymous-consumer'), null);
      assert.equal(result.ctx.shared.authenticated_jwt_token, token);
    }
  });

  it('finds tokens in the query and cookies; several distinct tokens are refused', async () => {
    const harness = await setup({ cookie_names: ['session_jwt'] });
    const token = await hs({ iss: 'hs-key' });
    assert.equal((await harness.request({ route, service, query: `jwt=${token}` })).status, 200);
    assert.equal((await harness.request({ route, service, headers: { cookie: `a=b; session_jwt=${token}` } })).status, 200);
    const same = await harness.request({ route, service, query: `jwt=${token}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(same.status, 200, 'the same token twice is one token');
    const other = await hs({ iss: 'hs-key', sub: 'x' });
    const multiple = await harness.request({ route, service, query: `jwt=${other}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(multiple.status, 401);
    assert.deepEqual(JSON.parse(multiple.body), { message: 'Multiple tokens provided' });
    assert.equal(multiple.headers['www-authenticate'], 'Bearer error="invalid_token"');
  });

  it("answers Kong's 401 bodies", async () => {
    const harness = await setup({ realm: 'kong' });
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'Unauthorized'],
      ['not.a-token', 'Bad token; invalid JSON'],
      [`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.x`, 'Bad token; invalid alg'],
      [await hs({ sub: 'x' }), "No mandatory 'iss' in claims"],
      [await hs({ iss: '' }), "Invalid 'iss' in claims"],
      [await hs({ iss: 'nobody' }), "No credentials found for given 'iss'"],
      [await sign({ iss: 'rs-key' }, 'HS256', Buffer.from('x')), 'Invalid algorithm'],
      [await hs({ iss: 'hs-key' }, 'wrong'), 'Invalid signature'],
      [await hs({ iss: 'ghost' }, 'g'), "Could not find consumer for 'iss=ghost'"],
    ];
    for (const [token, message] of cases) {
      const result = await harness.request(token === undefined ? { route, service } : bearer(token));
      assert.equal(result.status, 401, message);
      assert.deepEqual(JSON.parse(result.body), { message });
      assert.equal(result.headers['www-authenticate'], token === undefined ? 'Bearer realm="kong"' : 'Bearer realm="kong" error="invalid_token"');
      assert.equal(result.proxied, false);
    }
  });

  it('verifies exp/nbf and maximum_expiration with the errors object as body', async () => {
    const harness = await setup({ claims_to_verify: ['exp', 'nbf'], maximum_expiration: 3600 });
    const now = Math.floor(Date.now() / 1000);
    const body = async (claims: Record<string, unknown>) => JSON.parse((await harness.request(bearer(await hs({ iss: 'hs-key', ...claims })))).body);
    assert.deepEqual(await body({ exp: now - 10, nbf: now - 20 }), { exp: 'token expired' });
    assert.deepEqual(await body({ exp: now + 60, nbf: now + 30 }), { nbf: 'token not valid yet' });
    assert.deepEqual(await body({}), { exp: 'must be a number', nbf: 'must be a number' });
    assert.deepEqual(await body({ exp: now + 7200, nbf: now }), { exp: 'exceeds maximum allowed expiration' });
    assert.equal((await harness.request(bearer(await hs({ iss: 'hs-key', exp: now + 60, nbf: now })))).status, 200);
  });

  it('secret_is_base64 decodes the stored secret before verifying', async () => {
    const harness = await setup({ secret_is_base64: true });
    assert.equal((await harness.request(bearer(await hs({ iss: 'hs-b64' }, 'raw-bytes-secret')))).status, 200);
    const stored = await harness.request(bearer(await hs({ iss: 'hs-b64' }, Buffer.from('raw-bytes-secret').toString('base64'))));
    assert.deepEqual(JSON.parse(stored.body), { message: 'Invalid signature' });
  });

  it('anonymous consumer on failure; 500 when it does not exist; preflight skipped when configured', async () => {
    const harness = await setup({ anonymous: 'anon', run_on_preflight: false });
    const result = await harness.request({ route, service });
    assert.equal(result.status, 200);
    assert.equal(result.ctx.upstream.headers.get('x-consumer-id'), anon.id);
    assert.equal(result.ctx.upstream.headers.get('x-anonymous-consumer'), 'true');
    const preflight = await harness.request({ route, service, method: 'OPTIONS' });
    assert.equal(preflight.ctx.consumer, null);
    const missing = await setup({ anonymous: 'no-such-consumer' });
    const failed = await missing.request({ route, service });
    assert.equal(failed.status, 500);
    assert.equal(JSON.parse(failed.body).message, "anonymous consumer no-such-consumer is configured but doesn't exist");
  });
});
