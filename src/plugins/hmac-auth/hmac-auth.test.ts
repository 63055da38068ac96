import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer, Route, Service } from '../../entities/types.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import type { KongError } from '../../core/errors.ts';
import { plugin } from './handler.ts';
import { hmacauthCredentialsDao } from './daos.ts';
import { dateWithinSkew, parseHmacParams, signingString } from './signature.ts';

registerPluginSchema('hmac-auth', plugin.schema);
registerEntityDefinition(defineEntity(hmacauthCredentialsDao));
const credentials = defineEntity(hmacauthCredentialsDao);

const service = { id: '6f3c1a4e-1111-4c5d-8e9f-000000000001', name: 's' } as unknown as Service;
const route = { id: '6f3c1a4e-2222-4c5d-8e9f-000000000002', service: { id: service.id } } as unknown as Route;
const bob: Consumer = { id: '6f3c1a4e-3333-4c5d-8e9f-000000000003', created_at: 0, updated_at: 0, username: 'bob', custom_id: null, tags: null };
const anon: Consumer = { id: '6f3c1a4e-4444-4c5d-8e9f-000000000004', created_at: 0, updated_at: 0, username: 'anon', custom_id: null, tags: null };
const SECRET = 'bob-secret';

async function setup(config: Record<string, unknown> = {}) {
  const store = createMemoryStore();
  await store.insert('consumers', { ...bob });
  await store.insert('consumers', { ...anon });
  await store.insert('hmacauth_credentials', credentials.validate({ username: 'bob', secret: SECRET, consumer: { id: bob.id } }, 'insert'));
  const row = pluginRow('hmac-auth', entityDefinitions.plugins.validate({ name: 'hmac-auth', config }, 'insert').config as Record<string, unknown>);
  return createPluginHarness({ plugins: [plugin], rows: [row], consumers: [bob, anon], db: store });
}

interface Signed { date?: string; algorithm?: string; headers?: string[]; secret?: string; username?: string; extra?: Record<string, string>; method?: string; path?: string; query?: string; body?: string }

function signedRequest(options: Signed = {}) {
  const date = options.date ?? new Date().toUTCString();
  const method = options.method ?? 'GET';
  const path = options.path ?? '/resource';
  const names = options.headers ?? ['date', '@request-target'];
  const headers: Record<string, string> = { date, ...options.extra };
  const target = options.query ? `${path}?${options.query}` : path;
  const text = signingString({ method, pathWithQuery: target, httpVersion: 1.1, header: (name) => headers[name] }, names);
  const digest = { 'hmac-sha1': 'sha1', 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512' }[options.algorithm ?? 'hmac-sha256']!;
  const signature = createHmac(digest, options.secret ?? SECRET).update(text).digest('base64');
  headers.authorization = `hmac username="${options.username ?? 'bob'}", algorithm="${options.algorithm ?? 'hmac-sha256'}", headers="${names.join(' ')}", signature="${signature}"`;
  return { route, service, method, path, query: options.query, headers, body: options.body };
}

describe('hmac-auth schema and parsing', () => {
  it('fills Kong defaults and rejects unknown algorithms and a zero clock_skew', () => {
    assert.deepEqual(entityDefinitions.plugins.validate({ name: 'hmac-auth', config: {} }, 'insert').config, {
      hide_credentials: false, clock_skew: 300, anonymous: null, validate_request_body: false, enforce_headers: [],
      algorithms: ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'], realm: null,
    });
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'hmac-auth', config: { algorithms: ['hmac-md5'] } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('expected one of: hmac-sha1, hmac-sha256, hmac-sha384, hmac-sha512'));
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'hmac-auth', config: { clock_skew: 0 } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('value must be greater than 0'));
  });
  it('hmacauth_credentials need a username; the secret is generated', () => {
    const row = credentials.validate({ username: 'u', consumer: { id: bob.id } }, 'insert');
    assert.match(String(row.secret), /^[A-Za-z0-9]{32}$/);
    assert.throws(() => credentials.validate({ consumer: { id: bob.id } }, 'insert'), (error: KongError) => JSON.stringify(error.fields).includes('required field missing'));
  });
  it('parses the parameters and builds the signing string like Kong', () => {
    assert.deepEqual(parseHmacParams('hmac username="u", algorithm="hmac-sha1", headers="date request-line", signature="c2ln"'),
      { username: 'u', algorithm: 'hmac-sha1', headers: ['date', 'request-line'], signature: 'c2ln' });
    assert.equal(parseHmacParams('hmac username="u", signature="x"'), null);
    const request = { method: 'POST', pathWithQuery: '/p?q=1', httpVersion: 1.1, header: (name: string) => (name === 'date' ? 'D' : undefined) };
    assert.equal(signingString(request, ['date', '@request-target', 'request-line', 'x-missing']), 'date: D\n@request-target: post /p?q=1\nPOST /p?q=1 HTTP/1.1\nx-missing:');
    assert.equal(dateWithinSkew('2020-01-01T00:00:00Z', 300, Date.parse('2020-01-01T00:00:00Z')), false, 'ISO dates are not HTTP dates');
    assert.equal(dateWithinSkew('Wed, 01 Jan 2020 00:04:00 GMT', 300, Date.parse('2020-01-01T00:00:00Z')), true);
    assert.equal(dateWithinSkew('Wed, 01 Jan 2020 00:06:00 GMT', 300, Date.parse('2020-01-01T00:00:00Z')), false);
  });
});

describe('hmac-auth access', () => {
  it('authenticates every algorithm and sets the consumer headers; hide_credentials removes Authorization', async () => {
    const harness = await setup({ hide_credentials: true });
    for (const algorithm of ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
      const result = await harness.request(signedRequest({ algorithm, query: 'a=1' }));
      assert.equal(result.status, 200, `${algorithm}: ${result.body}`);
      assert.equal(result.ctx.upstream.headers.get('x-consumer-id'), bob.id);
      assert.equal(result.ctx.upstream.headers.get('x-credential-identifier'), 'bob');
      assert.equal(result.ctx.upstream.headers.has('authorization'), true);
      assert.equal(result.ctx.upstream.headers.get('authorization'), null, 'cleared upstream');
    }
  });

  it("answers Kong's 401 messages with the hmac challenge", async () => {
    const harness = await setup({ realm: 'api', enforce_headers: ['date'], algorithms: ['hmac-sha256', 'hmac-sha512'] });
    const old = new Date(Date.now() - 600_000).toUTCString();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ route, service }, 'Unauthorized'],
      [{ ...signedRequest(), headers: { authorization: signedRequest().headers.authorization } }, 'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication'],
      [signedRequest({ date: old }), 'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication'],
      [signedRequest({ headers: ['@request-target'] }), 'HMAC signature cannot be verified'],
      [signedRequest({ algorithm: 'hmac-sha1' }), 'HMAC signature cannot be verified'],
      [signedRequest({ username: 'nobody' }), 'HMAC signature cannot be verified'],
      [signedRequest({ secret: 'wrong' }), 'HMAC signature does not match'],
      [{ ...signedRequest(), path: '/other' }, 'HMAC signature does not match'],
    ];
    for (const [request, message] of cases) {
      const result = await harness.request(request as Parameters<typeof harness.request>[0]);
      assert.equal(result.status, 401, message);
      assert.equal(JSON.parse(result.body).message, message);
      assert.equal(result.headers['www-authenticate'], 'hmac realm="api"');
    }
  });

  it('x-date is accepted when Date is stale', async () => {
    const harness = await setup();
    const request = signedRequest({ date: 'Wed, 01 Jan 2020 00:00:00 GMT' });
    request.headers['x-date'] = new Date().toUTCString();
    assert.equal((await harness.request(request)).status, 200);
  });

  it('validate_request_body checks the Digest header', async () => {
    const harness = await setup({ validate_request_body: true });
    const body = '{"a":1}';
    const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
    const good = signedRequest({ method: 'POST', body, headers: ['date', 'digest'], extra: { digest } });
    assert.equal((await harness.request(good)).status, 200);
    const tampered = { ...good, body: '{"a":2}' };
    assert.equal(JSON.parse((await harness.request(tampered)).body).message, 'HMAC signature does not match');
    const noDigest = signedRequest({ method: 'POST', body });
    assert.equal((await harness.request(noDigest)).status, 401);
    assert.equal((await harness.request(signedRequest({ method: 'POST' }))).status, 200, 'no digest and no body is fine');
  });

  it('anonymous is used on failure', async () => {
    const harness = await setup({ anonymous: anon.id });
    const result = await harness.request(signedRequest({ secret: 'wrong' }));
    assert.equal(result.status, 200);
    assert.equal(result.ctx.upstream.headers.get('x-consumer-username'), 'anon');
    assert.equal(result.ctx.upstream.headers.get('x-anonymous-consumer'), 'true');
  });
});
