import { test } from 'node:test';
import assert from 'node:assert/strict';
import { luaMatches, normalizeIp, typedefs, validateField } from './index.ts';
import type { FieldDef } from './index.ts';

const check = (field: FieldDef, value: unknown) => validateField(field, value);

test('Lua patterns used by Kong schemas', () => {
  assert.equal(luaMatches('GET', '^%u+$'), true);
  assert.equal(luaMatches('get', '^%u+$'), false);
  assert.equal(luaMatches('a//b', '//'), true);
  assert.equal(luaMatches('*.example.com', '^%*%.'), true);
  assert.equal(luaMatches('example.*', '%.%*$'), true);
  assert.equal(luaMatches('a*b*c', '^[^*]*%*?[^*]*$'), false);
  assert.equal(luaMatches('Host', '^[Hh][Oo][Ss][Tt]$'), true);
  assert.equal(luaMatches('my-vault', '^[a-z][a-z%d-]-[a-z%d]+$'), true);
});

test('validators in Kong order with Kong messages', () => {
  assert.equal(check({ type: 'string', one_of: ['a'] }, 'b'), 'expected one of: a');
  assert.equal(check({ type: 'string', not_one_of: ['a', 'b'] }, 'a'), 'must not be one of: a, b');
  assert.equal(check({ type: 'integer', gt: 3 }, 3), 'value must be greater than 3');
  assert.equal(check({ type: 'integer', eq: 3 }, 4), 'value must be 3');
  assert.equal(check({ type: 'string', len_eq: 2 }, 'abc'), 'length must be 2');
  assert.equal(check({ type: 'set', len_min: 1, elements: { type: 'string' } }, []), 'length must be at least 1');
  assert.equal(check({ type: 'string', starts_with: '/' }, 'x'), 'should start with: /');
  assert.equal(check({ type: 'string', match: '^%d+$' }, 'x1'), 'invalid value: x1');
  assert.equal(check({ type: 'string', not_match: '%s' }, 'a b'), 'invalid value: a b');
  assert.equal(check({ type: 'array', contains: 'x', elements: { type: 'string' } }, ['y']), 'expected to contain: x');
  assert.equal(check({ type: 'integer', timestamp: true }, 0), 'expected a valid timestamp');
  assert.equal(check({ type: 'string', custom_validator: () => 'nope' }, 'v'), 'nope');
  assert.equal(check({ type: 'string', err: 'custom', one_of: ['a'] }, 'b'), 'custom');
  assert.equal(check({ type: 'string', required: true }, null), 'required field missing');
  assert.equal(check({ type: 'string', eq: null }, 'x'), 'value must be null');
  assert.equal(check({ type: 'map', keys: { type: 'string' }, values: { type: 'integer' } }, { a: 'x' }), 'expected an integer');
  assert.equal(check({ type: 'integer', between: [0, 10] }, 5), undefined);
});

test('typedefs: hosts, snis, paths, names, tags, headers', () => {
  assert.equal(check(typedefs.host, 'example.com'), undefined);
  assert.equal(check(typedefs.host, 'example.com:80'), 'must not have a port');
  assert.equal(check(typedefs.host, 'exa mple'), 'invalid value: exa mple');
  assert.equal(check(typedefs.host, '300.1.1.1'), 'invalid value: 300.1.1.1');
  assert.equal(check(typedefs.host_with_optional_port, 'a.com:8080'), undefined);
  assert.equal(check(typedefs.sni, '10.0.0.1'), 'must not be an IP');
  assert.equal(check(typedefs.wildcard_host, 'a.*.com'), 'wildcard must be leftmost or rightmost character');
  assert.equal(check(typedefs.wildcard_host, '*.a.*'), 'only one wildcard must be specified');
  assert.equal(check(typedefs.path, 'a'), 'should start with: /');
  assert.equal(check(typedefs.path, '/a//b'), 'must not have empty segments');
  assert.equal(check(typedefs.path, '/a b'), "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)");
  assert.equal(check(typedefs.path, '/a%zz'), "invalid url-encoded value: '%zz'");
  assert.equal(check(typedefs.utf8_name, 'ok-name_1.~'), undefined);
  assert.equal(check(typedefs.utf8_name, 'bad name'),
    "invalid value 'bad name': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
  assert.equal(check(typedefs.utf8_name, 'héllo'), undefined);
  assert.deepEqual(check(typedefs.tags, ['ok', 'a,b']),
    [null, "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"]);
  assert.equal(check(typedefs.header_name, 'X Bad'), "bad header name 'X Bad', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
  assert.equal(check(typedefs.port, 70000), 'value should be between 0 and 65535');
  assert.equal(check(typedefs.protocol, 'ftp'), 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp');
  assert.match(String(check(typedefs.certificate, 'garbage')), /^invalid certificate: /);
});

test('normalizeIp as Kong', () => {
  assert.deepEqual(normalizeIp('1.2.3.4:80'), { ok: true, type: 'ipv4', value: { type: 'ipv4', host: '1.2.3.4', port: 80 } });
  assert.deepEqual(normalizeIp('a.com:99999'), { ok: false, type: 'name', error: 'invalid port number' });
  const v6 = normalizeIp('[::1]:8000');
  assert.ok(v6.ok);
  assert.equal(v6.value.host, '[0000:0000:0000:0000:0000:0000:0000:0001]');
  assert.equal(v6.value.port, 8000);
  assert.equal(normalizeIp('-bad.com').ok, false);
});
