import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepLeastDisturbed } from '../bench/measure.ts';
import type { RunSample, WrkResult } from '../bench/stats.ts';

function sample(requestsPerSecond: number, foreignCpuShare: number | null): RunSample {
  return { wrk: { requestsPerSecond } as WrkResult, cpuSeconds: 1, foreignCpuShare };
}

test('keepLeastDisturbed keeps the runs with the least foreign load, in measuring order', () => {
  const entry = {
    samples: [sample(1, 0.05), sample(2, 0.4), sample(3, 0.3)],
    discarded: [sample(4, 0.2), sample(5, 0.5)],
  };
  keepLeastDisturbed(entry, 3);
  assert.deepEqual(entry.samples.map((kept) => kept.wrk.requestsPerSecond), [1, 3, 4]);
  assert.deepEqual(entry.discarded.map((redone) => redone.wrk.requestsPerSecond), [2, 5]);
});

test('keepLeastDisturbed leaves systems without a foreign-load figure as measured', () => {
  const entry = { samples: [sample(1, null), sample(2, null)], discarded: [] };
  keepLeastDisturbed(entry, 2);
  assert.deepEqual(entry.samples.map((kept) => kept.wrk.requestsPerSecond), [1, 2]);
  assert.deepEqual(entry.discarded, []);
});
