import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessCounters } from './shared-counters.ts';

test('increment creates, adds and expires after its ttl', async () => {
  let now = 1_000;
  const counters = new InProcessCounters(() => now);
  assert.equal(await counters.increment('a', 2, 1), 2);
  assert.equal(await counters.increment('a', 3, 1), 5);
  now += 999;
  assert.deepEqual(await counters.get(['a', 'b']), [5, 0]);
  now += 1;
  assert.deepEqual(await counters.get(['a']), [0], 'expired exactly at ttl');
  assert.equal(await counters.increment('a', 1, 1), 1);
});

test('acquire takes from every slot only when all are below their limits', async () => {
  const counters = new InProcessCounters();
  const slots = [{ key: 's', limit: 3, ttlSeconds: 1 }, { key: 'm', limit: 2, ttlSeconds: 60 }];
  assert.deepEqual(await counters.acquire(slots), { admitted: true, usages: [0, 0] });
  assert.deepEqual(await counters.acquire(slots), { admitted: true, usages: [1, 1] });
  assert.deepEqual(await counters.acquire(slots), { admitted: false, usages: [2, 2] });
  assert.deepEqual(await counters.get(['s', 'm']), [2, 2], 'a rejected request is not counted');
});

test('takeNow: the same step over reused arrays, only the first `count` entries, nothing taken when one is full', () => {
  let now = 5_000;
  const counters = new InProcessCounters(() => now);
  const keys = ['s', 'h', 'stale'];
  const usages = [9, 9, 9];
  assert.equal(counters.takeNow(keys, [2, 3, 1], [1, 3600, 1], 2, usages), true);
  assert.deepEqual(usages, [0, 0, 9], 'the third entry is outside count and untouched');
  assert.equal(counters.takeNow(keys, [2, 3, 1], [1, 3600, 1], 2, usages), true);
  assert.equal(counters.takeNow(keys, [2, 3, 1], [1, 3600, 1], 2, usages), false);
  assert.deepEqual(usages, [2, 2, 9]);
  assert.deepEqual(counters.getNow(['s', 'h', 'stale']), [2, 2, 0], 'a rejected take changes nothing');
  now += 1_000;
  assert.equal(counters.takeNow(keys, [2, 3, 1], [1, 3600, 1], 2, usages), true, 'the second window expired');
  assert.deepEqual(usages, [0, 2, 9]);
  assert.deepEqual(counters.getNow(['h']), [3]);
});
