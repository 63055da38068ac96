import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUpstreamPath, buildUpstreamPathV1, sanitizeUriPostfix } from './upstream-path.ts';

test('sanitizeUriPostfix drops a leading ./ or ../ and bare dots only', () => {
  assert.equal(sanitizeUriPostfix('.'), '');
  assert.equal(sanitizeUriPostfix('..'), '');
  assert.equal(sanitizeUriPostfix('./x'), 'x');
  assert.equal(sanitizeUriPostfix('../x'), 'x');
  assert.equal(sanitizeUriPostfix('.../x'), '.../x');
  assert.equal(sanitizeUriPostfix('/x'), '/x');
  assert.equal(sanitizeUriPostfix(''), '');
});

test('buildUpstreamPath reports the stripped prefix only when stripping', () => {
  assert.deepEqual(
    buildUpstreamPath({ requestPath: '/p/x', matchedPath: '/p', stripPath: true, servicePath: '/s' }),
    { upstreamPath: '/s/x', strippedPrefix: '/p' },
  );
  assert.deepEqual(
    buildUpstreamPath({ requestPath: '/p/x', matchedPath: '/p', stripPath: false, servicePath: '/s' }),
    { upstreamPath: '/s/p/x', strippedPrefix: '' },
  );
});

// v1 rows of Kong's spec/fixtures/router_path_handling_tests.lua (traditional flavor only).
const v1Rows: Array<[string, string | null, boolean, string, string]> = [
  ['/srv', '/rou', false, '/roureq', '/srvroureq'],
  ['/srv', '/rou', true, '/roureq', '/srvreq'],
  ['/srv/', '/rou', true, '/rou', '/srv/'],
  ['/service', '/', true, '/route', '/serviceroute'],
  ['/service', '/route', true, '/route/', '/service/'],
  ['/service', '/route/', true, '/route/', '/service'],
  ['/service', '/route/', true, '/route/req', '/servicereq'],
  ['/service/', '/route', true, '/route', '/service/'],
  ['/service/', '/', false, '/', '/service/'],
  ['/service', null, true, '/route/', '/serviceroute/'],
  ['/', '/route', true, '/route/', '/'],
];

for (const [servicePath, routePath, stripPath, requestPath, expected] of v1Rows) {
  test(`v1: service ${servicePath} route ${routePath ?? '(host)'} strip=${stripPath} ${requestPath} → ${expected}`, () => {
    assert.equal(buildUpstreamPathV1({ requestPath, matchedPath: routePath, stripPath, servicePath }).upstreamPath, expected);
  });
}
