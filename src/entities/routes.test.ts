import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, normalizeRoutePath } from './index.ts';
import { errorBody } from './test-helpers.ts';

const routes = entityDefinitions.routes;

test('POST {} gives the https at-least-one-of message', () => {
  assert.deepEqual(errorBody(routes, {}), {
    code: 2, name: 'schema violation',
    message: "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')",
    fields: { '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"] },
  });
  assert.deepEqual(errorBody(routes, { protocols: ['http'] }).fields,
    { '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"] });
});

test('defaults and nulls for a path-only route', () => {
  const row = routes.validate({ paths: ['/foo'] }, 'insert');
  assert.deepEqual(row.protocols, ['http', 'https']);
  assert.equal(row.https_redirect_status_code, 426);
  assert.equal(row.regex_priority, 0);
  assert.equal(row.strip_path, true);
  assert.equal(row.preserve_host, false);
  assert.equal(row.request_buffering, true);
  assert.equal(row.response_buffering, true);
  assert.equal(row.path_handling, 'v0');
  for (const f of ['hosts', 'methods', 'headers', 'snis', 'sources', 'destinations', 'service', 'tags', 'name']) {
    assert.equal(row[f], null, f);
  }
});

test('sets are de-duplicated, arrays keep duplicates', () => {
  const row = routes.validate({ methods: ['GET', 'GET', 'POST'], hosts: ['a.com', 'a.com'], protocols: ['https', 'http', 'https'] }, 'insert');
  assert.deepEqual(row.methods, ['GET', 'POST']);
  assert.deepEqual(row.hosts, ['a.com', 'a.com']);
  assert.deepEqual(row.protocols, ['https', 'http']);
});

test('path rules: prefix normalisation, empty segments, start, regex compile', () => {
  const body = errorBody(routes, { paths: ['/a/../b', 'nope', '/x//y', '~/(unclosed', '/%7Efoo'] });
  const paths = body.fields.paths as Array<string | null>;
  assert.equal(paths[0], "non-normalized path, consider use '/b' instead");
  assert.equal(paths[1], 'should start with: / (fixed path) or ~/ (regex path)');
  assert.equal(paths[2], 'must not have empty segments');
  assert.match(paths[3]!, /^invalid regex: '\/\(unclosed' \(PCRE returned: .+\)$/);
  assert.equal(paths[4], "non-normalized path, consider use '/~foo' instead");
  assert.match(body.message, /^5 schema violations \(paths\.1: non-normalized path/);
  const ok = routes.validate({ paths: ['/', '/v1/users/', '~/users/(?<id>\\d+)$', '/a%2Fb'] }, 'insert');
  assert.equal((ok.paths as string[]).length, 4);
});

test('normalizeRoutePath', () => {
  assert.equal(normalizeRoutePath('/a/./b/'), '/a/b/');
  assert.equal(normalizeRoutePath('/a/b/..'), '/a/');
  assert.equal(normalizeRoutePath('/%2f%41'), '/%2FA');
  assert.equal(normalizeRoutePath('/plain'), '/plain');
});

test('hosts wildcard rules', () => {
  const body = errorBody(routes, { hosts: ['*.a.com', 'a.*', 'a.*.com', '*.a.*', 'bad host', 'a.com:8000'] });
  assert.deepEqual(body.fields.hosts, [
    null, null,
    'invalid wildcard: must be placed at leftmost or rightmost label',
    'invalid wildcard: must have at most one wildcard',
    'invalid value: bad host',
  ]);
});

test('methods must be upper-case', () => {
  assert.deepEqual(errorBody(routes, { methods: ['get'] }).fields, { methods: ['invalid value: get'] });
});

test('headers may not contain host and need valid names', () => {
  assert.deepEqual(errorBody(routes, { headers: { HOST: ['x'] } }).fields,
    { headers: "cannot contain 'host' header, which must be specified in the 'hosts' attribute" });
  assert.deepEqual(errorBody(routes, { headers: { 'x y': ['x'] } }).fields,
    { headers: "bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'" });
  const ok = routes.validate({ headers: { 'x-version': ['1', '2'] } }, 'insert');
  assert.deepEqual(ok.headers, { 'x-version': ['1', '2'] });
});

test('snis only with tls-capable protocols', () => {
  const body = errorBody(routes, { protocols: ['http'], paths: ['/x'], snis: ['a.com'] });
  assert.deepEqual(body.fields, {
    '@entity': ["'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"],
    snis: 'length must be 0',
  });
  assert.deepEqual(routes.validate({ protocols: ['https'], snis: ['*.a.com'] }, 'insert').snis, ['*.a.com']);
});

test('https_redirect_status_code enum', () => {
  assert.deepEqual(errorBody(routes, { paths: ['/'], https_redirect_status_code: 303 }).fields,
    { https_redirect_status_code: 'expected one of: 426, 301, 302, 307, 308' });
});

test('protocol groups are mutually exclusive', () => {
  assert.deepEqual(errorBody(routes, { protocols: ['http', 'grpc'], paths: ['/'] }).fields,
    { protocols: "these sets are mutually exclusive: ('http', 'https'), ('grpc', 'grpcs')" });
  assert.deepEqual(errorBody(routes, { protocols: [], paths: ['/'] }).fields, { protocols: 'length must be at least 1' });
});

test('grpc routes: strip_path defaults to false and may not be true', () => {
  const row = routes.validate({ protocols: ['grpc'], paths: ['/svc'] }, 'insert');
  assert.equal(row.strip_path, false);
  assert.deepEqual(errorBody(routes, { protocols: ['grpcs'], paths: ['/svc'], strip_path: true, methods: ['GET'] }).fields, {
    methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'",
    strip_path: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'",
  });
  assert.deepEqual(errorBody(routes, { protocols: ['grpc'] }).fields,
    { '@entity': ["must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'grpc'"] });
});

test('stream routes: no http fields, need sources/destinations/snis', () => {
  assert.deepEqual(errorBody(routes, { protocols: ['tcp'], paths: ['/x'] }).fields, {
    '@entity': ["must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"],
    paths: "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'",
  });
  const row = routes.validate({ protocols: ['tcp'], destinations: [{ ip: '10.0.0.0/8', port: 9000 }] }, 'insert');
  assert.deepEqual(row.destinations, [{ ip: '10.0.0.0/8', port: 9000 }]);
  assert.deepEqual(errorBody(routes, { protocols: ['tcp'], sources: [{}] }).fields,
    { sources: [{ '@entity': ["at least one of these fields must be non-empty: 'ip', 'port'"] }] });
  assert.deepEqual(errorBody(routes, { protocols: ['udp'], sources: [{ ip: 'nope' }] }).fields,
    { sources: [{ ip: "invalid ip or cidr range: 'nope'" }] });
  assert.deepEqual(errorBody(routes, { protocols: ['tls_passthrough'] }).fields,
    { '@entity': ["must set snis when 'protocols' is 'tls_passthrough'"] });
});

test('http routes may not set sources', () => {
  assert.deepEqual(errorBody(routes, { paths: ['/'], sources: [{ port: 80 }] }).fields,
    { sources: "cannot set 'sources' when 'protocols' is 'http' or 'https'" });
});

test('service foreign key accepts {id} or a unique service field', () => {
  const id = '0b8d5f8e-2c47-4b43-9f1e-1a2b3c4d5e6f';
  assert.deepEqual(routes.validate({ paths: ['/'], service: { id } }, 'insert').service, { id });
  assert.deepEqual(routes.validate({ paths: ['/'], service: { name: 'svc' } }, 'insert').service, { name: 'svc' });
  assert.deepEqual(errorBody(routes, { paths: ['/'], service: { id: 'x' } }).fields, { service: { id: 'expected a valid UUID' } });
});

test('PATCH re-validates the merged route with the subschema of its protocols', () => {
  const existing = routes.validate({ protocols: ['grpc'], paths: ['/svc'] }, 'insert');
  assert.deepEqual(errorBody(routes, { strip_path: true }, 'update', existing).fields,
    { strip_path: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'" });
  const renamed = routes.validate({ name: 'r1' }, 'update', existing);
  assert.equal(renamed.name, 'r1');
  assert.deepEqual(renamed.paths, ['/svc']);
});
