import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { upstreamRow } from '../test-support.ts';
import { HealthTable } from './health-table.ts';
import { HealthMonitor, type UpstreamProbeSet } from './monitor.ts';
import { eventually, healthchecks, switchableTarget } from './test-support.ts';
import type { HealthTransition, ProbeAddress } from './types.ts';

function setup(sets: () => UpstreamProbeSet[]): { monitor: HealthMonitor; table: HealthTable; published: HealthTransition[] } {
  const table = new HealthTable();
  const published: HealthTransition[] = [];
  const monitor = new HealthMonitor({ publish: (t) => { published.push(t); table.apply(t); }, targets: sets });
  return { monitor, table, published };
}

const address = (port: number, targetId = 't-1'): ProbeAddress => ({ targetId, ip: '127.0.0.1', port, hostname: 'api.test' });

test('active checks mark a failing target unhealthy and bring it back after healthy.successes', async () => {
  const target = await switchableTarget(500);
  const upstream = upstreamRow({
    healthchecks: healthchecks({ active: { healthy: { interval: 0.03, successes: 2 }, unhealthy: { interval: 0.03, http_failures: 2 } } }),
  });
  const { monitor, table, published } = setup(() => [{ upstream, addresses: [address(target.port)] }]);
  const key = `127.0.0.1:${target.port}`;
  try {
    monitor.sync();
    await eventually(() => !table.isHealthy(upstream.id, key));
    assert.deepEqual(published.map((t) => t.state), ['mostly_healthy', 'unhealthy']);
    assert.equal(published[1]!.targetId, 't-1');
    target.status = 200;
    await eventually(() => table.isHealthy(upstream.id, key));
    assert.deepEqual(published.slice(2).map((t) => t.state), ['mostly_unhealthy', 'healthy']);
    assert.ok(target.hits >= 4);
  } finally {
    monitor.close();
    await target.close();
  }
});

test('zero intervals run no probes at all', async () => {
  const target = await switchableTarget(500);
  const upstream = upstreamRow({ healthchecks: healthchecks({ active: { unhealthy: { http_failures: 1 } } }) });
  const { monitor } = setup(() => [{ upstream, addresses: [address(target.port)] }]);
  try {
    monitor.sync();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(target.hits, 0);
  } finally {
    monitor.close();
    await target.close();
  }
});

test('probes of one round run at most active.concurrency at a time', async () => {
  let running = 0;
  let peak = 0;
  const servers = await Promise.all([1, 2, 3, 4, 5, 6].map(async () => {
    const server = createServer((_req, res) => {
      running += 1;
      peak = Math.max(peak, running);
      setTimeout(() => { running -= 1; res.writeHead(200).end(); }, 40);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }));
  const addresses = servers.map((server, n) => address((server.address() as AddressInfo).port, `t-${n}`));
  const upstream = upstreamRow({ healthchecks: healthchecks({ active: { concurrency: 2, healthy: { interval: 0.02, successes: 1 }, unhealthy: { http_failures: 1 } } }) });
  const { monitor } = setup(() => [{ upstream, addresses }]);
  try {
    monitor.sync();
    await eventually(() => peak >= 2, 2000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(peak, 2);
  } finally {
    monitor.close();
    await Promise.all(servers.map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }));
  }
});

test('passive reports use the passive thresholds; unknown upstreams are ignored', () => {
  const upstream = upstreamRow({ healthchecks: healthchecks({ passive: { unhealthy: { tcp_failures: 2 } } }) });
  const { monitor, table, published } = setup(() => [{ upstream, addresses: [address(9001)] }]);
  monitor.sync();
  const report = { upstreamId: upstream.id, targetId: 't-1', address: '127.0.0.1:9001', kind: 'tcp_failure' as const };
  monitor.report(report);
  assert.equal(table.isHealthy(upstream.id, '127.0.0.1:9001'), true);
  monitor.report(report);
  assert.equal(table.isHealthy(upstream.id, '127.0.0.1:9001'), false);
  monitor.report({ ...report, upstreamId: 'nope' });
  assert.equal(published.length, 2);
  // Active thresholds are not the passive ones: an active-only timeout limit does not count here.
  monitor.report({ ...report, address: '127.0.0.1:9002', kind: 'timeout' });
  assert.equal(published.length, 2);
  monitor.close();
});

test('manual overrides set every address of a target, or one ip:port, with counters reset', async () => {
  const upstream = upstreamRow({ healthchecks: healthchecks({ passive: { unhealthy: { http_failures: 2 } } }) });
  const addresses = [address(9001, 't-a'), { ...address(9002, 't-a'), ip: '::1' }, address(9003, 't-b')];
  const { monitor, table } = setup(() => [{ upstream, addresses }]);
  monitor.sync();
  await monitor.setHealth({ upstreamId: upstream.id, targetId: 't-a', address: null, healthy: false });
  assert.equal(table.isHealthy(upstream.id, '127.0.0.1:9001'), false);
  assert.equal(table.isHealthy(upstream.id, '::1:9002'), false);
  assert.equal(table.isHealthy(upstream.id, '127.0.0.1:9003'), true);
  await monitor.setHealth({ upstreamId: upstream.id, targetId: 't-a', address: '[::1]:9002', healthy: true });
  assert.equal(table.isHealthy(upstream.id, '::1:9002'), true);
  // One failure after the override starts from zero again: not yet unhealthy.
  monitor.report({ upstreamId: upstream.id, targetId: 't-a', address: '::1:9002', kind: 'http_status', status: 500 });
  assert.equal(table.state(upstream.id, '::1:9002'), 'mostly_healthy');
  monitor.close();
});

test('a reload keeps the health of unchanged addresses and forgets removed ones', async () => {
  const upstream = upstreamRow({ healthchecks: healthchecks() });
  let addresses = [address(9001), address(9002, 't-2')];
  const { monitor, table, published } = setup(() => [{ upstream, addresses }]);
  monitor.sync();
  await monitor.setHealth({ upstreamId: upstream.id, targetId: 't-1', address: null, healthy: false });
  await monitor.setHealth({ upstreamId: upstream.id, targetId: 't-2', address: null, healthy: false });
  addresses = [address(9001)];
  monitor.sync();
  assert.equal(table.isHealthy(upstream.id, '127.0.0.1:9001'), false, 'unchanged target keeps its state');
  assert.equal(table.isHealthy(upstream.id, '127.0.0.1:9002'), true, 'removed target is forgotten');
  assert.deepEqual(published.at(-1), { upstreamId: upstream.id, targetId: 't-2', address: '127.0.0.1:9002', healthy: true, state: 'healthy' });
  monitor.close();
});
