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

test('token exchange against a real loopback token endpoint (fetch transport)', async () => {
  const { createServer } = await import('node:http');
  let requests = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      requests++;
      const assertion = new URLSearchParams(raw).get('assertion') ?? '';
      const [header, claims, signature] = assertion.split('.');
      const valid =
        req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
        createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature ?? '', 'base64url'));
      res.writeHead(valid ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(valid ? { access_token: 'ya29.loopback', expires_in: 3599 } : { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const fetchToken: FetchToken = async (url, body, headers) => {
      const response = await fetch(url, { method: 'POST', body, headers });
      return { status: response.status, body: await response.text() };
    };
    const key = { ...serviceAccount, token_uri: `http://127.0.0.1:${port}/token` };
    const source = createVertexTokenSource({ serviceAccountJson: JSON.stringify(key), fetchToken });
    assert.equal(await source.getToken(), 'ya29.loopback');
    assert.equal(await source.getToken(), 'ya29.loopback');
    assert.equal(requests, 1);
    // A key that does not match the registered public key is refused by the endpoint.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const wrong = createVertexTokenSource({ serviceAccountJson: JSON.stringify({ ...key, private_key: other }), fetchToken });
    await assert.rejects(wrong.getToken(), /Invalid JWT Signature\./);
  } finally {
    server.close();
  }
});
