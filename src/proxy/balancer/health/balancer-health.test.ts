import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancerError, createBalancer } from '../index.ts';
import type { Peer } from '../types.ts';
import { pickSync, targetRow, upstreamRow } from '../test-support.ts';
import { HealthTable } from './health-table.ts';
import { healthchecks } from './test-support.ts';
import type { HealthReport, HealthStateSink, HealthTransition } from './types.ts';

function harness(): { table: HealthTable; reports: HealthReport[]; sink: HealthStateSink } {
  const reports: HealthReport[] = [];
  const sink: HealthStateSink = { report: (r) => { reports.push(r); }, setHealth: async () => {} };
  return { table: new HealthTable(), reports, sink };
}

const mark = (table: HealthTable, upstreamId: string, address: string, healthy: boolean): void => {
  const transition: HealthTransition = { upstreamId, targetId: 't', address, healthy, state: healthy ? 'healthy' : 'unhealthy' };
  table.apply(transition);
};

test('unhealthy addresses get no traffic; when none is left the pick fails with no_peers', () => {
  const { table, sink } = harness();
  const upstream = upstreamRow({ healthchecks: healthchecks() });
  const balancer = createBalancer(upstream, [targetRow('10.0.0.1:80'), targetRow('10.0.0.2:80')], { health: { source: table, sink } });
  mark(table, upstream.id, '10.0.0.1:80', false);
  for (let i = 0; i < 10; i++) assert.equal(pickSync(balancer).host, '10.0.0.2');
  const status = balancer.status();
  assert.deepEqual(status.weight, { total: 200, unavailable: 100, available: 100 });
  assert.deepEqual(status.hosts.map((h) => h.addresses[0]!.healthy), [false, true]);
  mark(table, upstream.id, '10.0.0.2:80', false);
  assert.equal(balancer.status().healthy, false);
  assert.throws(() => balancer.pick([]), (error: unknown) => error instanceof BalancerError && error.kind === 'no_peers' && error.status === 503);
  mark(table, upstream.id, '10.0.0.1:80', true);
  assert.equal(pickSync(balancer).host, '10.0.0.1');
  balancer.close();
});

test('healthchecks.threshold: below that share of available weight the whole upstream is unhealthy', () => {
  const { table, sink } = harness();
  const upstream = upstreamRow({ healthchecks: healthchecks({ threshold: 50 }) });
  const targets = [targetRow('10.0.0.1:80'), targetRow('10.0.0.2:80'), targetRow('10.0.0.3:80', 200)];
  const balancer = createBalancer(upstream, targets, { health: { source: table, sink } });
  mark(table, upstream.id, '10.0.0.1:80', false);
  assert.equal(balancer.status().healthy, true, '75% available > 50%');
  mark(table, upstream.id, '10.0.0.3:80', false);
  assert.equal(balancer.status().healthy, false, '25% available');
  assert.throws(() => balancer.pick([]), BalancerError);
  balancer.close();
});

test('consistent hashing: only the keys of an unhealthy address move, and they come back', () => {
  const { table, sink } = harness();
  const upstream = upstreamRow({ algorithm: 'consistent-hashing', hash_on: 'header', hash_on_header: 'x-key', healthchecks: healthchecks() });
  const targets = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.4:80'].map((t) => targetRow(t));
  const balancer = createBalancer(upstream, targets, { health: { source: table, sink } });
  const keys = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
  const before = keys.map((k) => pickSync(balancer, [], k).host);
  mark(table, upstream.id, '10.0.0.2:80', false);
  const during = keys.map((k) => pickSync(balancer, [], k).host);
  let moved = 0;
  keys.forEach((_, i) => {
    if (before[i] === '10.0.0.2') assert.notEqual(during[i], '10.0.0.2');
    else assert.equal(during[i], before[i], 'a key of a healthy address stays put');
    if (during[i] !== before[i]) moved += 1;
  });
  assert.ok(moved > 300 && moved < 700, `about a quarter of the keys moved (${moved})`);
  mark(table, upstream.id, '10.0.0.2:80', true);
  assert.deepEqual(keys.map((k) => pickSync(balancer, [], k).host), before);
  balancer.close();
});

test('passive reports go to the sink only when the owner would count them', () => {
  const { table, sink, reports } = harness();
  const upstream = upstreamRow({ healthchecks: healthchecks({ passive: { unhealthy: { http_failures: 3, tcp_failures: 2 } } }) });
  const [target] = [targetRow('10.0.0.1:80')];
  const balancer = createBalancer(upstream, [target!], { health: { source: table, sink } });
  const peer: Peer = pickSync(balancer);
  balancer.report!(peer, { kind: 'http_status', status: 200 });
  balancer.report!(peer, { kind: 'timeout' });
  assert.equal(reports.length, 0, 'success of a healthy address and a disabled counter are dropped');
  balancer.report!(peer, { kind: 'http_status', status: 500 });
  balancer.report!(peer, { kind: 'tcp_failure' });
  assert.deepEqual(reports, [
    { upstreamId: upstream.id, targetId: target!.id, address: '10.0.0.1:80', kind: 'http_status', status: 500 },
    { upstreamId: upstream.id, targetId: target!.id, address: '10.0.0.1:80', kind: 'tcp_failure' },
  ]);
  balancer.close();
  // Without passive thresholds there is no report hook at all.
  const quiet = createBalancer(upstreamRow({ healthchecks: healthchecks() }), [targetRow('10.0.0.1:80')], { health: { source: table, sink } });
  assert.equal(quiet.report, undefined);
  quiet.close();
});

test('a closed balancer stops listening to transitions', () => {
  const { table, sink } = harness();
  const upstream = upstreamRow({ healthchecks: healthchecks() });
  const balancer = createBalancer(upstream, [targetRow('10.0.0.1:80')], { health: { source: table, sink } });
  balancer.close();
  mark(table, upstream.id, '10.0.0.1:80', false);
  assert.equal(balancer.status().healthy, true, 'no rebuild after close');
});
