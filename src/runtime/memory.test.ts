import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mallocEnvironment, releaseUnusedMemory } from './memory.ts';

test('workers get a fixed malloc trim threshold unless the operator tuned malloc', () => {
  assert.deepEqual(mallocEnvironment({ PATH: '/usr/bin' }), { MALLOC_TRIM_THRESHOLD_: '131072' });
  assert.deepEqual(mallocEnvironment({ MALLOC_ARENA_MAX: '2' }), { MALLOC_TRIM_THRESHOLD_: '131072' }, 'not a threshold variable');
  assert.deepEqual(mallocEnvironment({ MALLOC_MMAP_THRESHOLD_: '1048576' }), {});
  assert.deepEqual(mallocEnvironment({ MALLOC_TRIM_THRESHOLD_: '0' }), {});
});

test('releaseUnusedMemory gives the pages of a burst of old-generation garbage back', () => {
  // Objects that survive two scavenges land in the old generation, like a parsed kong.yml does.
  let burst: Array<Record<string, unknown>> | null = [];
  for (let index = 0; index < 400_000; index++) burst.push({ index, name: `route-${index}`, paths: [`/r${index}`] });
  const held = process.memoryUsage().heapTotal;
  burst = null;
  releaseUnusedMemory();
  const after = process.memoryUsage().heapTotal;
  assert.ok(held - after > 40 * 1024 * 1024, `heap total ${held} → ${after}`);
  // A second call reuses the same collector.
  releaseUnusedMemory();
});
