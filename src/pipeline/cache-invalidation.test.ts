import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeCache } from '../pdk/index.ts';
import { changedTables, onConfigChange, onEntityChange } from './cache-invalidation.ts';

test('a new config drops only entries read from tables whose rows changed', async () => {
  const cache = new NodeCache();
  await cache.get(cache.cache_key('keyauth_credentials', 'k1'), null, () => 'cred');
  await cache.get(cache.cache_key('consumers', 'c1'), null, () => 'consumer');
  const previous = { consumers: [{ id: 'c1', username: 'a' }], keyauth_credentials: [{ id: 'k', key: 'k1' }], routes: [] };
  const next = { consumers: [{ id: 'c1', username: 'b' }], keyauth_credentials: [{ id: 'k', key: 'k1' }], routes: [] };
  assert.deepEqual(onConfigChange(cache, previous, next), ['consumers']);
  assert.deepEqual(cache.probe('consumers:c1'), [false, undefined]);
  assert.deepEqual(cache.probe('keyauth_credentials:k1'), [true, 'cred']);
  assert.equal(onConfigChange(cache, null, next), 'all');
  assert.equal(cache.size, 0);
});

test('changedTables sees added, removed and edited tables; entity events drop one table', async () => {
  assert.deepEqual(changedTables({ a: [1], b: [2], c: [] }, { a: [1], b: [3], d: [4] }), ['b', 'd']);
  assert.deepEqual(changedTables({ a: [1] }, {}), ['a']);
  const cache = new NodeCache();
  cache.set('acls:c1', ['g']);
  cache.set('consumers:c1', 'x');
  onEntityChange(cache, 'acls');
  assert.deepEqual([cache.probe('acls:c1')[0], cache.probe('consumers:c1')[0]], [false, true]);
});
