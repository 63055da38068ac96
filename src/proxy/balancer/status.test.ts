import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancerError, createBalancer } from './index.ts';
import type { DnsResolver } from './index.ts';
import { ScriptedResolver, a, targetRow, upstreamRow } from './test-support.ts';

test('status() reports targets, their addresses and weights as Kong\'s getStatus', async () => {
  const resolver = new ScriptedResolver().set('api.test', [a('10.70.0.2'), a('10.70.0.1')]);
  const ipTarget = targetRow('10.70.1.1:9000', 50);
  const named = targetRow('api.test:8080', 20);
  const dead = targetRow('gone.test:80', 10);
  const balancer = createBalancer(upstreamRow(), [ipTarget, named, dead], { resolver });
  await balancer.pick([]);
  const status = balancer.status();
  assert.equal(status.healthy, true);
  assert.deepEqual(status.weight, { total: 90, unavailable: 0, available: 90 });
  assert.deepEqual(status.hosts.map((h) => [h.targetId, h.host, h.port, h.dns, h.nodeWeight, h.weight.total]), [
    [ipTarget.id, '10.70.1.1', 9000, 'A', 50, 50],
    [named.id, 'api.test', 8080, 'A', 20, 40],
    [dead.id, 'gone.test', 80, 'name resolution failed', 10, 0],
  ]);
  assert.deepEqual(status.hosts[1]!.addresses, [
    { ip: '10.70.0.1', port: 8080, weight: 20, healthy: true },
    { ip: '10.70.0.2', port: 8080, weight: 20, healthy: true },
  ]);
});

test('an empty balancer is unhealthy', () => {
  assert.equal(createBalancer(upstreamRow(), []).status().healthy, false);
});

test('healthchecks.threshold 100 makes the balancer unhealthy, so it hands out no peers', () => {
  const upstream = upstreamRow();
  upstream.healthchecks = { ...upstream.healthchecks, threshold: 100 };
  const balancer = createBalancer(upstream, [targetRow('10.71.0.1:80')]);
  assert.equal(balancer.status().healthy, false);
  assert.throws(() => balancer.pick([]), (e: unknown) => e instanceof BalancerError && e.kind === 'no_peers');
  const lenient = upstreamRow();
  lenient.healthchecks = { ...lenient.healthchecks, threshold: 99 };
  assert.equal(createBalancer(lenient, [targetRow('10.71.0.1:80')]).status().healthy, true);
});

test('a resolver that throws synchronously counts as a DNS failure, not a crash', async () => {
  const throwing: DnsResolver = {
    resolve(): Promise<never> {
      throw new Error('resolver exploded');
    },
  };
  const balancer = createBalancer(upstreamRow(), [targetRow('boom.test:80'), targetRow('10.72.0.1:80')], { resolver: throwing });
  assert.equal((await balancer.pick([])).host, '10.72.0.1');
  assert.match(balancer.status().hosts[0]!.dns, /failed the initial dns\/balancer resolve for 'boom.test' with: resolver exploded/);
});
