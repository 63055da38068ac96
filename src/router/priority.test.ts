import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidV5 } from '../core/ids.ts';
import { compareByPriority, computePriority, splitRouteByPaths } from './priority.ts';
import { makeRoute } from './test-fixtures.ts';

test('uuid v5 used for split ids follows RFC 4122 (known vector)', () => {
  assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
});

test('a route with zero or one path keeps its own id', () => {
  const none = makeRoute({ id: '00000000-0000-4000-8000-000000000001', hosts: ['a.com'] });
  assert.deepEqual(splitRouteByPaths(none), [{ id: none.id, paths: null }]);
  const one = makeRoute({ id: '00000000-0000-4000-8000-000000000001', paths: ['/x'] });
  assert.deepEqual(splitRouteByPaths(one), [{ id: one.id, paths: ['/x'] }]);
});

test('multi-path routes split per prefix length and one regex group, with v5 ids `<id>#<key>`', () => {
  const route = makeRoute({ id: '00000000-0000-4000-8000-000000000001', paths: ['/t', '~/r', '/tt', '/u', '~/s'] });
  assert.deepEqual(splitRouteByPaths(route), [
    { id: '88c08b1f-2356-5fee-847d-a5eb1652c82d', paths: ['/t', '/u'] },
    { id: '4935183f-e70b-5896-979f-7b16845d361d', paths: ['~/r', '~/s'] },
    { id: 'fa14c8b4-88cf-58c8-bbee-c94b91bef4fb', paths: ['/tt'] },
  ]);
});

test('a multi-path route in a single group still gets a derived id', () => {
  const route = makeRoute({ id: '00000000-0000-4000-8000-000000000001', paths: ['/a', '/b'] });
  assert.deepEqual(splitRouteByPaths(route), [{ id: '88c08b1f-2356-5fee-847d-a5eb1652c82d', paths: ['/a', '/b'] }]);
});

test('priority bit layout: field count, plain host, header count, prefix length', () => {
  const route = makeRoute({ hosts: ['a.com'], methods: ['GET'], paths: ['/abc'], headers: { x: ['1'], y: ['2'] } });
  const expected = (4n << 61n) | (1n << 60n) | (2n << 52n) | 4n;
  assert.equal(computePriority(route, route.paths), expected);
});

test('priority: wildcard host clears the plain-host bit; snis count as a field', () => {
  const route = makeRoute({ hosts: ['*.a.com'], snis: ['a.com'] });
  assert.equal(computePriority(route, null), 2n << 61n);
});

test('priority: regex bit and regex_priority only for regex groups', () => {
  const route = makeRoute({ paths: ['~/x'], regex_priority: 7 });
  const regex = computePriority(route, ['~/x']);
  assert.equal(regex >> 61n, 1n);
  assert.equal((regex >> 51n) & 1n, 1n);
  assert.equal(regex & 0x7ffffn, 0n);
  const prefix = computePriority(route, ['/xyz']);
  assert.equal((prefix >> 51n) & 1n, 0n);
  assert.equal(prefix, (1n << 61n) | 4n);
  assert.ok(computePriority(makeRoute({ regex_priority: 8 }), ['~/x']) > regex);
  assert.ok(computePriority(makeRoute({ regex_priority: -1 }), ['~/x']) < computePriority(makeRoute({ regex_priority: 0 }), ['~/x']));
});

test('priority: header count is capped at 255', () => {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index < 300; index++) headers[`h${index}`] = ['v'];
  const priority = computePriority(makeRoute({ headers }), null);
  assert.equal((priority >> 52n) & 0xffn, 255n);
  assert.equal(priority >> 61n, 1n);
});

test('prefix length counts UTF-8 bytes like Lua', () => {
  assert.equal(computePriority(makeRoute({}), ['/ø']) & 0x7ffffn, 3n);
});

test('comparator: priority descending then UUID descending', () => {
  const sorted = [
    { priority: 1n, id: 'b0000000-0000-4000-8000-000000000000' },
    { priority: 2n, id: '10000000-0000-4000-8000-000000000000' },
    { priority: 1n, id: 'C0000000-0000-4000-8000-000000000000' },
  ].sort(compareByPriority);
  assert.deepEqual(sorted.map((entry) => entry.id[0]), ['1', 'C', 'b']);
});
