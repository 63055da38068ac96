import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashCookieHeader, hashValueFor } from './index.ts';
import type { HashRequest } from './index.ts';
import { upstreamRow } from './test-support.ts';

function request(overrides: Partial<HashRequest> & { headers?: Record<string, string>; cookies?: Record<string, string>; query?: Record<string, string | boolean | Array<string | boolean>>; captures?: Record<string, string> } = {}): HashRequest {
  const { headers = {}, cookies = {}, query = {}, captures = {}, ...rest } = overrides;
  return {
    remoteAddr: '203.0.113.9',
    path: '/orders/7',
    header: (name) => headers[name.toLowerCase()],
    cookie: (name) => cookies[name],
    queryArg: (name) => query[name],
    uriCapture: (name) => captures[name],
    ...rest,
  };
}

const hashing = { algorithm: 'consistent-hashing' as const };

test('hash_on none hashes nothing', () => {
  assert.deepEqual(hashValueFor(upstreamRow(), request()), { value: '' });
});

test('each hash_on source reads its part of the request', () => {
  const cases: Array<[Parameters<typeof upstreamRow>[0], ReturnType<typeof request>, string]> = [
    [{ hash_on: 'ip' }, request(), '203.0.113.9'],
    [{ hash_on: 'path' }, request(), '/orders/7'],
    [{ hash_on: 'consumer' }, request({ consumerId: 'c-1', credentialId: 'cred-1' }), 'c-1'],
    [{ hash_on: 'consumer' }, request({ credentialId: 'cred-1' }), 'cred-1'],
    [{ hash_on: 'header', hash_on_header: 'X-Tenant' }, request({ headers: { 'x-tenant': 'acme' } }), 'acme'],
    [{ hash_on: 'cookie', hash_on_cookie: 'sid' }, request({ cookies: { sid: 's-1' } }), 's-1'],
    [{ hash_on: 'query_arg', hash_on_query_arg: 'shard' }, request({ query: { shard: ['b', 'a', true] } }), 'a,b,true'],
    [{ hash_on: 'query_arg', hash_on_query_arg: 'flag' }, request({ query: { flag: true } }), 'true'],
    [{ hash_on: 'uri_capture', hash_on_uri_capture: 'id' }, request({ captures: { id: '7' } }), '7'],
  ];
  for (const [fields, req, expected] of cases) {
    assert.deepEqual(hashValueFor(upstreamRow({ ...hashing, ...fields }), req), { value: expected }, JSON.stringify(fields));
  }
});

test('a missing primary value falls back to hash_fallback with its own field names', () => {
  const upstream = upstreamRow({
    ...hashing, hash_on: 'header', hash_on_header: 'x-tenant',
    hash_fallback: 'query_arg', hash_fallback_query_arg: 'tenant',
  });
  assert.deepEqual(hashValueFor(upstream, request({ query: { tenant: 't-9' } })), { value: 't-9' });
  assert.deepEqual(hashValueFor(upstream, request()), { value: '' });
  const byHeader = upstreamRow({ ...hashing, hash_on: 'consumer', hash_fallback: 'header', hash_fallback_header: 'x-b' });
  assert.deepEqual(hashValueFor(byHeader, request({ headers: { 'x-b': 'fb' } })), { value: 'fb' });
});

test('hashing on an absent cookie mints one for the client to keep', () => {
  const upstream = upstreamRow({ ...hashing, hash_on: 'cookie', hash_on_cookie: 'affinity', hash_on_cookie_path: '/shop' });
  const first = hashValueFor(upstream, request());
  const second = hashValueFor(upstream, request());
  assert.match(first.value, /^[0-9a-f-]{36}$/);
  assert.notEqual(first.value, second.value);
  assert.deepEqual(first.setCookie, { key: 'affinity', value: first.value, path: '/shop' });
  assert.equal(hashCookieHeader(first.setCookie!), `affinity=${first.value}; Path=/shop; Same-Site=Lax; HttpOnly`);
});
