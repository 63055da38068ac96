import test from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from './lru.ts';

test('LruCache keeps the last `capacity` entries used, null values included', () => {
  const cache = new LruCache<string, number | null>(2);
  cache.set('a', 1);
  cache.set('b', null);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('b'), null);
  cache.set('c', 3); // current generation full: a and b age into the previous one
  cache.set('d', 4);
  assert.equal(cache.get('a'), 1, 'a hit in the previous generation moves forward');
  cache.set('e', 5); // c and d are still held; b is now the oldest
  cache.set('f', 6);
  assert.equal(cache.get('b'), undefined, 'b was neither recent nor used');
  assert.equal(cache.get('e'), 5);
  assert.equal(cache.get('f'), 6);
});

test('LruCache never holds more than twice its capacity and overwrites in place', () => {
  const cache = new LruCache<number, number>(100);
  for (let i = 0; i < 10_000; i += 1) cache.set(i, i);
  assert.ok(cache.size >= 100 && cache.size <= 200, `size ${cache.size}`);
  for (let i = 9_900; i < 10_000; i += 1) assert.equal(cache.get(i), i, 'the last 100 are kept');
  cache.set(9_999, -1);
  assert.equal(cache.get(9_999), -1);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get(9_999), undefined);
});

test('LruCache with capacity 0 caches nothing', () => {
  const disabled = new LruCache<string, number>(0);
  disabled.set('x', 1);
  assert.equal(disabled.get('x'), undefined);
  assert.equal(disabled.size, 0);
});
