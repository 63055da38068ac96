import test from 'node:test';
import assert from 'node:assert/strict';
import { ReadDeadlines, type ReadWatched } from './read-deadlines.ts';

function item(timeoutMs: number, paused = false): ReadWatched & { fired: number; paused: boolean } {
  return {
    readDeadline: 0, readTimeoutMs: timeoutMs, watchPrev: null, watchNext: null, watched: false,
    fired: 0, paused,
    readPaused() { return this.paused; },
    readTimedOut() { this.fired += 1; },
  };
}

test('a sweep fires only expired deadlines, once, and forgets them', () => {
  let now = 1000;
  const deadlines = new ReadDeadlines(60_000, () => now);
  const a = item(100);
  const b = item(500);
  const c = item(100);
  deadlines.watch(a, now + 100);
  deadlines.watch(b, now + 500);
  deadlines.watch(c, now + 100);
  assert.equal(deadlines.watching, 3);
  now = 1099;
  deadlines.sweep();
  assert.deepEqual([a.fired, b.fired, c.fired], [0, 0, 0]);
  now = 1100;
  deadlines.sweep();
  assert.deepEqual([a.fired, b.fired, c.fired], [1, 0, 1]);
  assert.equal(deadlines.watching, 1);
  now = 5000;
  deadlines.sweep();
  deadlines.sweep();
  assert.deepEqual([a.fired, b.fired, c.fired], [1, 1, 1]);
  assert.equal(deadlines.watching, 0);
  deadlines.sweep(); // idle: stops its interval
});

test('moving a deadline forward (a read) and unwatching keep the list intact', () => {
  let now = 0;
  const deadlines = new ReadDeadlines(60_000, () => now);
  const items = [item(10), item(10), item(10), item(10)];
  for (const it of items) deadlines.watch(it, 10);
  deadlines.watch(items[1]!, 1000); // already watched: only the deadline moves
  assert.equal(deadlines.watching, 4);
  deadlines.unwatch(items[0]!); // the tail
  deadlines.unwatch(items[3]!); // the head
  deadlines.unwatch(items[3]!); // twice is harmless
  assert.equal(deadlines.watching, 2);
  now = 10;
  deadlines.sweep();
  assert.deepEqual(items.map((it) => it.fired), [0, 0, 1, 0]);
  now = 1000;
  deadlines.sweep();
  assert.deepEqual(items.map((it) => it.fired), [0, 1, 1, 0]);
  assert.equal(deadlines.watching, 0);
});

test('a paused reader is not timed out; its deadline restarts from the sweep', () => {
  let now = 0;
  const deadlines = new ReadDeadlines(60_000, () => now);
  const slow = item(100, true);
  deadlines.watch(slow, 100);
  now = 150;
  deadlines.sweep();
  assert.equal(slow.fired, 0);
  assert.equal(slow.readDeadline, 250);
  slow.paused = false;
  now = 249;
  deadlines.sweep();
  assert.equal(slow.fired, 0);
  now = 250;
  deadlines.sweep();
  assert.equal(slow.fired, 1);
});

test('the interval fires deadlines by itself', async () => {
  const deadlines = new ReadDeadlines(5);
  const it = item(20);
  deadlines.watch(it, Date.now() + 20);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(it.fired, 1);
  assert.equal(deadlines.watching, 0);
});
