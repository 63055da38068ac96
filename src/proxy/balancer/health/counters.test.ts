import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newCounters, observe, worthReporting, type CheckLimits } from './counters.ts';

const limits = (overrides: { successes?: number; http_failures?: number; tcp_failures?: number; timeouts?: number } = {}): CheckLimits => ({
  healthy: { http_statuses: [200, 302], successes: overrides.successes ?? 2 },
  unhealthy: { http_statuses: [500, 503], http_failures: overrides.http_failures ?? 3, tcp_failures: overrides.tcp_failures ?? 2, timeouts: overrides.timeouts ?? 1 },
});

test('failures below the threshold make an address mostly_healthy; reaching it flips to unhealthy and clears counters', () => {
  const counters = newCounters();
  assert.equal(observe(counters, { kind: 'http_status', status: 500 }, limits()), 'mostly_healthy');
  assert.equal(observe(counters, { kind: 'http_status', status: 503 }, limits()), null);
  assert.equal(counters.httpFailures, 2);
  assert.equal(observe(counters, { kind: 'http_status', status: 500 }, limits()), 'unhealthy');
  assert.deepEqual(counters, { state: 'unhealthy', successes: 0, httpFailures: 0, tcpFailures: 0, timeouts: 0 });
  // Further failures of an unhealthy address are not counted.
  assert.equal(observe(counters, { kind: 'tcp_failure' }, limits()), null);
  assert.equal(counters.tcpFailures, 0);
});

test('each failure kind has its own threshold; a success clears them all', () => {
  const counters = newCounters();
  observe(counters, { kind: 'http_status', status: 500 }, limits());
  observe(counters, { kind: 'tcp_failure' }, limits());
  assert.equal(counters.httpFailures, 1);
  assert.equal(counters.tcpFailures, 1);
  observe(counters, { kind: 'http_status', status: 200 }, limits());
  assert.equal(counters.httpFailures, 0);
  assert.equal(counters.tcpFailures, 0);
  assert.equal(counters.successes, 1);
  assert.equal(observe(counters, { kind: 'timeout' }, limits()), 'unhealthy', 'one timeout is the timeouts threshold');
});

test('successes bring an unhealthy address back after healthy.successes in a row', () => {
  const counters = newCounters('unhealthy');
  assert.equal(observe(counters, { kind: 'success' }, limits({ successes: 3 })), 'mostly_unhealthy');
  assert.equal(observe(counters, { kind: 'http_status', status: 302 }, limits({ successes: 3 })), null);
  // A failure in between restarts the count.
  observe(counters, { kind: 'tcp_failure' }, limits({ successes: 3, tcp_failures: 5 }));
  assert.equal(counters.successes, 0);
  observe(counters, { kind: 'success' }, limits({ successes: 3 }));
  observe(counters, { kind: 'success' }, limits({ successes: 3 }));
  assert.equal(observe(counters, { kind: 'success' }, limits({ successes: 3 })), 'healthy');
});

test('a zero threshold disables that counter entirely, and statuses in neither list are ignored', () => {
  const counters = newCounters();
  assert.equal(observe(counters, { kind: 'tcp_failure' }, limits({ tcp_failures: 0 })), null);
  assert.equal(counters.tcpFailures, 0);
  assert.equal(observe(counters, { kind: 'http_status', status: 404 }, limits()), null);
  assert.equal(counters.state, 'healthy');
  // With successes = 0 a success clears nothing (Kong returns before touching the counters).
  observe(counters, { kind: 'http_status', status: 500 }, limits());
  observe(counters, { kind: 'http_status', status: 200 }, limits({ successes: 0 }));
  assert.equal(counters.httpFailures, 1);
});

test('worthReporting skips what the owner would ignore', () => {
  assert.equal(worthReporting('healthy', { kind: 'http_status', status: 200 }, limits()), false);
  assert.equal(worthReporting('mostly_healthy', { kind: 'http_status', status: 200 }, limits()), true);
  assert.equal(worthReporting('healthy', { kind: 'http_status', status: 500 }, limits()), true);
  assert.equal(worthReporting('unhealthy', { kind: 'http_status', status: 500 }, limits()), false);
  assert.equal(worthReporting('healthy', { kind: 'tcp_failure' }, limits({ tcp_failures: 0 })), false);
  assert.equal(worthReporting('healthy', { kind: 'timeout' }, limits()), true);
  assert.equal(worthReporting('healthy', { kind: 'http_status', status: 404 }, limits()), false);
});
