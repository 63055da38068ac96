import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions } from './index.ts';
import { errorBody } from './test-helpers.ts';

const services = entityDefinitions.services;
const CERT_ID = '5f6c1b2e-1111-4c2a-9d3e-222233334444';

test('defaults and nulls for a minimal service', () => {
  const row = services.validate({ host: 'example.com' }, 'insert');
  assert.deepEqual(Object.keys(row), [
    'id', 'created_at', 'updated_at', 'name', 'retries', 'protocol', 'host', 'port', 'path', 'connect_timeout',
    'write_timeout', 'read_timeout', 'tags', 'client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates', 'enabled',
  ]);
  assert.equal(row.protocol, 'http');
  assert.equal(row.port, 80);
  assert.equal(row.retries, 5);
  assert.equal(row.connect_timeout, 60000);
  assert.equal(row.enabled, true);
  assert.equal(row.path, null);
  assert.equal(row.tags, null);
  assert.equal(row.client_certificate, null);
});

test('url shorthand expands and is never returned', () => {
  const https = services.validate({ url: 'https://api.example.com/v1' }, 'insert');
  assert.equal(https.protocol, 'https');
  assert.equal(https.host, 'api.example.com');
  assert.equal(https.port, 443);
  assert.equal(https.path, '/v1');
  assert.equal('url' in https, false);
  const plain = services.validate({ url: 'http://10.0.0.1:8080', name: 'svc' }, 'insert');
  assert.deepEqual([plain.protocol, plain.host, plain.port, plain.path], ['http', '10.0.0.1', 8080, null]);
  const inferred = services.validate({ url: '//secure.example.com:443/' }, 'insert');
  assert.equal(inferred.protocol, 'https', 'no scheme: inferred from port 443');
});

test('invalid url reports the expanded fields', () => {
  assert.deepEqual(errorBody(services, { url: 'invalid url' }), {
    code: 2, name: 'schema violation',
    message: '2 schema violations (host: required field missing; path: should start with: /)',
    fields: { host: 'required field missing', path: 'should start with: /' },
  });
});

test('host is required and may not carry a port', () => {
  assert.equal(errorBody(services, {}).message, 'schema violation (host: required field missing)');
  assert.deepEqual(errorBody(services, { host: 'a.com:80' }).fields, { host: 'must not have a port' });
  assert.deepEqual(errorBody(services, { host: 'a b' }).fields, { host: 'invalid value: a b' });
});

test('ranges, enum and unknown fields', () => {
  const body = errorBody(services, { host: 'a.com', retries: 40000, port: -1, protocol: 'ftp', connect_timeout: 0, nope: 1 });
  assert.deepEqual(body.fields, {
    connect_timeout: 'value should be between 1 and 2147483646',
    nope: 'unknown field',
    port: 'value should be between 0 and 65535',
    protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp',
    retries: 'value should be between 0 and 32767',
  });
  assert.match(body.message, /^5 schema violations \(connect_timeout: /);
});

test('path must be null for stream and grpc protocols', () => {
  const body = errorBody(services, { host: 'a.com', protocol: 'tcp', path: '/x' });
  assert.deepEqual(body, {
    code: 2, name: 'schema violation',
    message: "2 schema violations (failed conditional validation given value of field 'protocol'; path: value must be null)",
    fields: { '@entity': ["failed conditional validation given value of field 'protocol'"], path: 'value must be null' },
  });
  assert.equal(errorBody(services, { host: 'a.com', protocol: 'grpc', path: '/x' }).fields.path, 'value must be null');
});

test('TLS-only fields need https or tls', () => {
  const body = errorBody(services, {
    host: 'a.com', protocol: 'http', tls_verify: true, tls_verify_depth: 2, client_certificate: { id: CERT_ID },
    ca_certificates: [CERT_ID],
  });
  assert.equal((body.fields['@entity'] as string[]).length, 4);
  assert.equal(body.fields.tls_verify, 'value must be null');
  assert.equal(body.fields.client_certificate, 'value must be null');
  const ok = services.validate({
    host: 'a.com', protocol: 'https', tls_verify: true, tls_verify_depth: 2, client_certificate: { id: CERT_ID },
    ca_certificates: [CERT_ID],
  }, 'insert');
  assert.deepEqual(ok.client_certificate, { id: CERT_ID });
  assert.deepEqual(errorBody(services, { host: 'a.com', protocol: 'https', ca_certificates: ['x'] }).fields,
    { ca_certificates: ['expected a valid UUID'] });
  assert.deepEqual(errorBody(services, { host: 'a.com', protocol: 'https', tls_verify_depth: 65 }).fields,
    { tls_verify_depth: 'value should be between 0 and 64' });
});

test('path rules', () => {
  assert.deepEqual(errorBody(services, { host: 'a.com', path: '/a//b' }).fields, { path: 'must not have empty segments' });
  assert.deepEqual(errorBody(services, { host: 'a.com', path: '/a%2' }).fields, { path: "invalid url-encoded value: '%2'" });
});

test('name rules', () => {
  assert.deepEqual(errorBody(services, { host: 'a.com', name: 'my service' }).fields, {
    name: "invalid value 'my service': the only accepted ascii characters are alphanumerics or ., -, _, and ~",
  });
});

test('PATCH with url overwrites protocol/host/port/path and keeps the rest', () => {
  const existing = services.validate({ host: 'a.com', name: 'svc', retries: 2, path: '/old' }, 'insert');
  const updated = services.validate({ url: 'https://b.com/new' }, 'update', existing);
  assert.deepEqual([updated.protocol, updated.host, updated.port, updated.path, updated.retries, updated.name],
    ['https', 'b.com', 443, '/new', 2, 'svc']);
  assert.equal(updated.id, existing.id);
  assert.deepEqual(errorBody(services, { protocol: 'udp' }, 'update', existing).fields.path, 'value must be null');
});

test('foreign client_certificate by a non-unique key is rejected', () => {
  assert.deepEqual(errorBody(services, { host: 'a.com', protocol: 'https', client_certificate: { name: 'x' } }).fields,
    { client_certificate: { id: 'missing primary key' } });
});
