import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions } from './index.ts';
import { errorBody } from './test-helpers.ts';

const { upstreams, targets } = entityDefinitions;
const UPSTREAM = { id: '2a4b6c8d-1e3f-4a5b-8c7d-9e0f1a2b3c4d' };

test('healthcheck defaults exactly as Kong', () => {
  const row = upstreams.validate({ name: 'backend.internal' }, 'insert');
  assert.equal(row.algorithm, 'round-robin');
  assert.equal(row.hash_on, 'none');
  assert.equal(row.hash_fallback, 'none');
  assert.equal(row.hash_on_cookie_path, '/');
  assert.equal(row.slots, 10000);
  assert.equal(row.use_srv_name, false);
  assert.deepEqual(row.healthchecks, {
    active: {
      concurrency: 10, headers: null,
      healthy: { http_statuses: [200, 302], interval: 0, successes: 0 },
      http_path: '/', https_sni: null, https_verify_certificate: true, timeout: 1, type: 'http',
      unhealthy: { http_failures: 0, http_statuses: [429, 404, 500, 501, 502, 503, 504, 505], interval: 0, tcp_failures: 0, timeouts: 0 },
    },
    passive: {
      healthy: { http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308], successes: 0 },
      type: 'http',
      unhealthy: { http_failures: 0, http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0 },
    },
    threshold: 0,
  });
});

test('partial healthchecks merge with defaults and are range-checked', () => {
  const row = upstreams.validate({ name: 'u1', healthchecks: { active: { healthy: { interval: 5 } } } }, 'insert');
  const active = (row.healthchecks as any).active;
  assert.equal(active.healthy.interval, 5);
  assert.deepEqual(active.healthy.http_statuses, [200, 302]);
  assert.equal(active.concurrency, 10);
  assert.deepEqual(errorBody(upstreams, { name: 'u1', healthchecks: { threshold: 101, active: { type: 'ftp' } } }).fields, {
    healthchecks: { active: { type: 'expected one of: tcp, http, https, grpc, grpcs' }, threshold: 'value should be between 0 and 100' },
  });
});

test('upstream name must be a hostname', () => {
  assert.deepEqual(errorBody(upstreams, {}).fields, { name: 'required field missing' });
  assert.deepEqual(errorBody(upstreams, { name: '10.0.0.1' }).fields, { name: "Invalid name ('10.0.0.1'); no ip addresses allowed" });
  assert.deepEqual(errorBody(upstreams, { name: 'a.com:80' }).fields, { name: "Invalid name ('a.com:80'); no port allowed" });
  assert.deepEqual(errorBody(upstreams, { name: 'bad name' }).fields, { name: "Invalid name ('bad name'); must be a valid hostname" });
});

test('hash_on shorthands couple the algorithm', () => {
  assert.equal(upstreams.validate({ name: 'u', hash_on: 'ip' }, 'insert').algorithm, 'consistent-hashing');
  assert.equal(upstreams.validate({ name: 'u', hash_on: 'none', algorithm: 'least-connections' }, 'insert').algorithm, 'round-robin');
  const lc = upstreams.validate({ name: 'u', algorithm: 'latency' }, 'insert');
  assert.equal(lc.algorithm, 'latency');
  assert.equal(lc.hash_on, 'none');
});

test('hash_on parameters are conditionally required and distinct', () => {
  assert.deepEqual(errorBody(upstreams, { name: 'u', hash_on: 'header' }), {
    code: 2, name: 'schema violation',
    message: "2 schema violations (failed conditional validation given value of field 'hash_on'; hash_on_header: required field missing)",
    fields: {
      '@entity': ["failed conditional validation given value of field 'hash_on'"],
      hash_on_header: 'required field missing',
    },
  });
  assert.deepEqual(errorBody(upstreams, { name: 'u', hash_on: 'cookie', hash_on_cookie: 'c', hash_fallback: 'ip' }).fields, {
    '@entity': ["failed conditional validation given value of field 'hash_on'"],
    hash_fallback: 'expected one of: none',
  });
  assert.deepEqual(errorBody(upstreams, {
    name: 'u', hash_on: 'header', hash_on_header: 'x-a', hash_fallback: 'header', hash_fallback_header: 'x-a',
  }).fields, { '@entity': ["values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"] });
  assert.deepEqual(errorBody(upstreams, { name: 'u', hash_on: 'ip', hash_fallback: 'ip' }).fields.hash_fallback,
    'expected one of: none, consumer, header, cookie, path, query_arg, uri_capture');
  const ok = upstreams.validate({ name: 'u', hash_on: 'query_arg', hash_on_query_arg: 'user' }, 'insert');
  assert.equal(ok.hash_on_query_arg, 'user');
  assert.deepEqual(errorBody(upstreams, { name: 'u', slots: 5 }).fields, { slots: 'value should be between 10 and 65536' });
});

test('targets: default port, ms timestamps, weight range', () => {
  const row = targets.validate({ target: 'a.test', upstream: UPSTREAM }, 'insert');
  assert.equal(row.target, 'a.test:8000');
  assert.equal(row.weight, 100);
  assert.ok(Number.isFinite(row.created_at) && !Number.isInteger((row.created_at as number) * 1000 + 0.5));
  assert.equal(targets.validate({ target: '10.0.0.1:9000', upstream: UPSTREAM }, 'insert').target, '10.0.0.1:9000');
  assert.equal(targets.validate({ target: '[::1]', upstream: UPSTREAM }, 'insert').target,
    '[0000:0000:0000:0000:0000:0000:0000:0001]:8000');
  assert.deepEqual(errorBody(targets, { target: 'not valid!', upstream: UPSTREAM }).fields,
    { target: "Invalid target ('not valid!'); not a valid hostname or ip address" });
  assert.deepEqual(errorBody(targets, { target: 'a.test', upstream: UPSTREAM, weight: 70000 }).fields,
    { weight: 'value should be between 0 and 65535' });
  assert.deepEqual(errorBody(targets, { target: 'a.test' }).fields, { upstream: 'required field missing' });
  assert.deepEqual(targets.cacheKey, ['upstream', 'target']);
  assert.deepEqual(targets.foreignKeys, [{ field: 'upstream', reference: 'upstreams', onDelete: 'cascade' }]);
});
