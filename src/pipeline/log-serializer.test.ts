import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serializeRequest, type SerializerInput } from './log-serializer.ts';

function input(overrides: Partial<SerializerInput> = {}): SerializerInput {
  return {
    requestId: 'abc', requestUri: '/a/b?x=1&x=2&flag', scheme: 'http', host: 'example.test', serverPort: 8000, method: 'POST',
    requestHeaders: { Authorization: 'Basic c2VjcmV0', 'proxy-authorization': 'Bearer t', accept: '*/*' }, requestSize: 120,
    upstreamUri: '/b?x=1&x=2&flag', upstreamStatus: '502, 200', status: 200, responseHeaders: { 'Content-Length': 2 }, responseSize: 150,
    tries: [{ ip: '10.0.0.1', port: 80, balancer_latency: 0, balancer_start: 1 }],
    latencies: { kong: 1, proxy: 2, request: 4, receive: 1 }, route: null, service: null, consumer: null, credential: null,
    clientIp: '10.1.1.1', startedAt: 1_700_000_000_000, source: 'service', ...overrides,
  };
}

describe('serializeRequest (kong.log.serialize)', () => {
  it('builds Kong request/response fields and redacts authorization headers', () => {
    const entry = serializeRequest(input()) as { request: Record<string, unknown>; response: Record<string, unknown>; upstream_status: string };
    assert.equal(entry.request.url, 'http://example.test:8000/a/b?x=1&x=2&flag');
    assert.deepEqual(entry.request.querystring, { x: ['1', '2'], flag: true });
    assert.deepEqual(entry.request.headers, { authorization: 'REDACTED', 'proxy-authorization': 'REDACTED', accept: '*/*' });
    assert.deepEqual(entry.response.headers, { 'content-length': '2' });
    assert.equal(entry.upstream_status, '502, 200');
  });

  it('reports authenticated_entity with the consumer id taken from the credential reference', () => {
    const withReference = serializeRequest(input({ credential: { id: 'cred-1', consumer: { id: 'cons-1' } } }));
    assert.deepEqual(withReference.authenticated_entity, { id: 'cred-1', consumer_id: 'cons-1' });
    const withField = serializeRequest(input({ credential: { id: 'cred-2', consumer_id: 'cons-2' } }));
    assert.deepEqual(withField.authenticated_entity, { id: 'cred-2', consumer_id: 'cons-2' });
    assert.equal(serializeRequest(input()).authenticated_entity, undefined);
  });
});
