// Table-driven conformance of the traditional_compatible router against Kong's behaviour
// (spec kong-core §3). Each case compiles its own route set and checks the winner and details.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCase } from './conformance-case.ts';
import type { ConformanceCase } from './conformance-case.ts';
import { fieldCases } from './conformance-cases-fields.ts';
import { kongUnitCases } from './conformance-cases-kong-unit.ts';
import { pathHandlingCases } from './conformance-cases-path-handling.ts';
import { priorityCases } from './conformance-cases-priority.ts';
import { upstreamCases } from './conformance-cases-upstream.ts';

const allCases: ConformanceCase[] = [...fieldCases, ...kongUnitCases, ...priorityCases, ...upstreamCases, ...pathHandlingCases];

test('the conformance table has at least 100 cases with unique titles', () => {
  assert.ok(allCases.length >= 100, `only ${allCases.length} cases`);
  assert.equal(new Set(allCases.map((testCase) => testCase.title)).size, allCases.length);
});

for (const testCase of allCases) {
  test(testCase.title, () => {
    runCase(testCase);
  });
}
