import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUpstreamPath, buildUpstreamPathV1, sanitizeUriPostfix } from './upstream-path.ts';
import { LruCache } from './lru.ts';

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

test('LruCache evicts the least recently used entry and keeps null values', () => {
  const cache = new LruCache<string, number | null>(2);
  cache.set('a', 1);
  cache.set('b', null);
  assert.equal(cache.get('a'), 1);
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined, 'b was least recently used');
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  assert.equal(cache.size, 2);
  cache.set('d', null);
  assert.equal(cache.get('d'), null);
  assert.equal(cache.get('a'), undefined);
  cache.clear();
  assert.equal(cache.size, 0);
  const disabled = new LruCache<string, number>(0);
  disabled.set('x', 1);
  assert.equal(disabled.get('x'), undefined);
});
