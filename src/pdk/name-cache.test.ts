import test from 'node:test';
import assert from 'node:assert/strict';
import { memoizeNames } from './name-cache.ts';

test('memoizeNames converts each spelling once and stays bounded', () => {
  let calls = 0;
  const lower = memoizeNames((name) => { calls += 1; return name.toLowerCase(); });
  assert.equal(lower('X-Foo'), 'x-foo');
  assert.equal(lower('X-Foo'), 'x-foo');
  assert.equal(calls, 1);
  for (let i = 0; i < 5000; i += 1) lower(`X-${i}`);
  const before = calls;
  assert.equal(lower('X-4999'), 'x-4999', 'past the bound names are still converted');
  assert.equal(calls, before + 1, 'but no longer remembered');
  assert.equal(lower('X-10'), 'x-10');
  assert.equal(calls, before + 1, 'names seen before the bound stay cached');
});
