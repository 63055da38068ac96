import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeCache } from './cache.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

test('hits are served from cache until their ttl expires', async () => {
  const time = clock();
  const cache = new NodeCache({ now: time.now });
  let loads = 0;
  const loader = () => { loads++; return { value: loads }; };
  assert.deepEqual(await cache.get('keyauth_credentials:k1', { ttl: 10 }, loader), { value: 1 });
  assert.deepEqual(await cache.get('keyauth_credentials:k1', { ttl: 10 }, loader), { value: 1 });
  time.advance(9_999);
  assert.equal(loads, (await cache.get('keyauth_credentials:k1', { ttl: 10 }, loader), 1));
  time.advance(1);
  assert.deepEqual(await cache.get('keyauth_credentials:k1', { ttl: 10 }, loader), { value: 2 });
});

test('misses are cached for neg_ttl (negative caching); ttl 0 keeps hits forever', async () => {
  const time = clock();
  const cache = new NodeCache({ now: time.now });
  let loads = 0;
  const missing = () => { loads++; return null; };
  assert.equal(await cache.get('consumers:nobody', { neg_ttl: 5 }, missing), null);
  assert.equal(await cache.get('consumers:nobody', { neg_ttl: 5 }, missing), null);
  assert.equal(loads, 1);
  time.advance(5_000);
  await cache.get('consumers:nobody', { neg_ttl: 5 }, missing);
  assert.equal(loads, 2);
  await cache.get('consumers:forever', null, () => 'x');
  time.advance(10 ** 9);
  assert.deepEqual(cache.probe('consumers:forever'), [true, 'x']);
});

test('concurrent misses share one load; a throwing loader caches nothing', async () => {
  const cache = new NodeCache();
  let loads = 0;
  let release!: (value: string) => void;
  const slow = () => { loads++; return new Promise<string>((resolve) => { release = resolve; }); };
  const first = cache.get('t:k', null, slow);
  const second = cache.get('t:k', null, slow);
  release('v');
  assert.deepEqual(await Promise.all([first, second]), ['v', 'v']);
  assert.equal(loads, 1);
  await assert.rejects(cache.get('t:bad', null, () => { throw new Error('db down'); }), /db down/);
  assert.deepEqual(cache.probe('t:bad'), [false, undefined]);
});

test('invalidation by key, by entity table, and purge on a new config', async () => {
  const cache = new NodeCache();
  await cache.get(cache.cache_key('keyauth_credentials', 'k1'), null, () => 'c1');
  await cache.get(cache.cache_key('consumers', 'id1'), null, () => 'u1');
  await cache.get('composite', { tables: ['acls', 'consumers'] }, () => 'groups');
  cache.invalidate('keyauth_credentials:k1');
  assert.deepEqual(cache.probe('keyauth_credentials:k1'), [false, undefined]);
  cache.invalidateTables(['consumers']);
  assert.deepEqual(cache.probe('consumers:id1'), [false, undefined]);
  assert.deepEqual(cache.probe('composite'), [false, undefined]);
  cache.set('other:x', 1);
  cache.purge();
  assert.equal(cache.size, 0);
});

test('a load racing an invalidation is returned but not kept', async () => {
  const cache = new NodeCache();
  let release!: (value: string) => void;
  const pending = cache.get('consumers:x', null, () => new Promise<string>((resolve) => { release = resolve; }));
  cache.invalidateTables(['consumers']);
  release('stale');
  assert.equal(await pending, 'stale');
  assert.deepEqual(cache.probe('consumers:x'), [false, undefined]);
});

test('the oldest entries are evicted beyond maxEntries', () => {
  const cache = new NodeCache({ maxEntries: 2 });
  cache.set('a:1', 1);
  cache.set('a:2', 2);
  cache.set('a:3', 3);
  assert.deepEqual([cache.probe('a:1')[0], cache.probe('a:2')[0], cache.probe('a:3')[0]], [false, true, true]);
});
