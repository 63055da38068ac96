import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { createVertexTokenSource, parseServiceAccount, serviceAccountJsonFor, VertexTokenError, type FetchToken } from './vertex-token.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const serviceAccount = {
  type: 'service_account',
  project_id: 'portico-dev',
  private_key_id: 'key-1',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'gateway@portico-dev.iam.gserviceaccount.com',
  token_uri: 'https://oauth2.example.test/token',
};

type Call = { url: string; body: string; headers: Record<string, string> };

function transport(responses: Array<{ status: number; body: string }>, calls: Call[]): FetchToken {
  return async (url, body, headers) => {
    calls.push({ url, body, headers });
    const next = responses.shift();
    if (!next) throw new Error('unexpected token request');
    return next;
  };
}

test('mints an RS256 JWT assertion, exchanges it, and caches the token until near expiry', async () => {
  const calls: Call[] = [];
  let clock = 1_700_000_000_000;
  const source = createVertexTokenSource({
    serviceAccountJson: JSON.stringify(serviceAccount),
    fetchToken: transport([
      { status: 200, body: JSON.stringify({ access_token: 'ya29.first', expires_in: 3599, token_type: 'Bearer' }) },
      { status: 200, body: JSON.stringify({ access_token: 'ya29.second', expires_in: 3599, token_type: 'Bearer' }) },
    ], calls),
    now: () => clock,
  });
  // Concurrent callers share one exchange.
  const [a, b] = await Promise.all([source.getToken(), source.getToken()]);
  assert.equal(a, 'ya29.first');
  assert.equal(b, 'ya29.first');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, 'https://oauth2.example.test/token');
  assert.equal(calls[0].headers['content-type'], 'application/x-www-form-urlencoded');

  const form = new URLSearchParams(calls[0].body);
  assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const [header, claims, signature] = form.get('assertion')!.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { alg: 'RS256', typ: 'JWT', kid: 'key-1' });
  assert.deepEqual(JSON.parse(Buffer.from(claims, 'base64url').toString()), {
    iss: serviceAccount.client_email,
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    aud: 'https://oauth2.example.test/token',
    iat: 1_700_000_000,
    exp: 1_700_003_600,
  });
  const verified = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature, 'base64url'));
  assert.equal(verified, true);

  clock += 3000 * 1000; // within the cached lifetime (expiry minus a 5-minute margin)
  assert.equal(await source.getToken(), 'ya29.first');
  assert.equal(calls.length, 1);
  clock += 400 * 1000; // past the refresh point
  assert.equal(await source.getToken(), 'ya29.second');
  assert.equal(calls.length, 2);
});

test('a failed exchange rejects with the OAuth error and is not cached', async () => {
  const calls: Call[] = [];
  const source = createVertexTokenSource({
    serviceAccountJson: JSON.stringify(serviceAccount),
    fetchToken: transport([
      { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }) },
      { status: 200, body: JSON.stringify({ access_token: 'ya29.ok', expires_in: 3600 }) },
    ], calls),
  });
  await assert.rejects(source.getToken(), (error: Error) => error instanceof VertexTokenError && /Invalid JWT Signature\./.test(error.message));
  assert.equal(await source.getToken(), 'ya29.ok');
  assert.equal(calls.length, 2);
});

test('non-JSON token answers and bad service-account JSON are refused', async () => {
  const source = createVertexTokenSource({ serviceAccountJson: JSON.stringify(serviceAccount), fetchToken: async () => ({ status: 502, body: '<html>' }) });
  await assert.rejects(source.getToken(), /GCP token exchange failed: status 502/);
  assert.throws(() => parseServiceAccount('{'), /not valid JSON/);
  assert.throws(() => parseServiceAccount('{"client_email":"x"}'), /lacks client_email or private_key/);
});

test('the service-account key comes from the config, else GCP_SERVICE_ACCOUNT, only when asked for', () => {
  assert.equal(serviceAccountJsonFor({ gcp_use_service_account: true, gcp_service_account_json: '{"a":1}' }, { GCP_SERVICE_ACCOUNT: '{"b":2}' }), '{"a":1}');
  assert.equal(serviceAccountJsonFor({ gcp_use_service_account: true }, { GCP_SERVICE_ACCOUNT: '{"b":2}' }), '{"b":2}');
  assert.equal(serviceAccountJsonFor({ gcp_use_service_account: true }, {}), undefined);
  assert.equal(serviceAccountJsonFor({ gcp_service_account_json: '{"a":1}' }, { GCP_SERVICE_ACCOUNT: '{"b":2}' }), undefined);
});
