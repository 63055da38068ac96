import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTable } from './health-table.ts';
import type { InternalHealth } from './types.ts';

const transition = (address: string, state: InternalHealth) => ({
  upstreamId: 'u', targetId: 't', address, healthy: state === 'healthy' || state === 'mostly_healthy', state,
});

test('listeners hear only changes of serving status, for their upstream only', () => {
  const table = new HealthTable();
  let calls = 0;
  let others = 0;
  const stop = table.subscribe('u', () => { calls += 1; });
  table.subscribe('other', () => { others += 1; });
  table.apply(transition('a:1', 'mostly_healthy'));
  assert.equal(calls, 0);
  table.apply(transition('a:1', 'unhealthy'));
  assert.equal(calls, 1);
  table.apply(transition('a:1', 'mostly_unhealthy'));
  assert.equal(calls, 1);
  assert.equal(table.isHealthy('u', 'a:1'), false);
  table.apply(transition('a:1', 'healthy'));
  assert.equal(calls, 2);
  assert.equal(others, 0);
  stop();
  table.apply(transition('a:1', 'unhealthy'));
  assert.equal(calls, 2);
});

test('healthy entries are dropped, so entries() lists exactly what a new worker must replay', () => {
  const table = new HealthTable();
  table.apply(transition('a:1', 'unhealthy'));
  table.apply(transition('b:2', 'mostly_healthy'));
  table.apply(transition('c:3', 'unhealthy'));
  table.apply(transition('c:3', 'healthy'));
  assert.deepEqual(table.entries().map((t) => [t.address, t.state]), [['a:1', 'unhealthy'], ['b:2', 'mostly_healthy']]);
  assert.equal(table.state('u', 'c:3'), 'healthy');
  assert.equal(table.state('nope', 'a:1'), 'healthy');
  const replica = new HealthTable();
  for (const entry of table.entries()) replica.apply(entry);
  assert.equal(replica.isHealthy('u', 'a:1'), false);
});
