import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancerError, createBalancer } from './index.ts';
import type { Peer } from './index.ts';
import { targetRow, upstreamRow, pickSync } from './test-support.ts';


test('weighted shares over 10,000 picks are within 1% of the weight shares', () => {
  const weights = { '10.0.0.1:80': 50, '10.0.0.2:80': 30, '10.0.0.3:80': 15, '10.0.0.4:80': 5 };
  const balancer = createBalancer(upstreamRow(), Object.entries(weights).map(([t, w]) => targetRow(t, w)));
  const counts = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const peer = pickSync(balancer);
    const key = `${peer.host}:${peer.port}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [target, weight] of Object.entries(weights)) {
    const share = (counts.get(target) ?? 0) / 10_000;
    assert.ok(Math.abs(share - weight / 100) < 0.01, `${target}: ${share} vs ${weight / 100}`);
  }
});

test('picks interleave smoothly instead of bursting on the heavy target', () => {
  const balancer = createBalancer(upstreamRow(), [targetRow('10.0.0.1:80', 5), targetRow('10.0.0.2:80', 1), targetRow('10.0.0.3:80', 1)]);
  const sequence = Array.from({ length: 7 }, () => pickSync(balancer).host.slice(-1)).join('');
  assert.equal(sequence, '1121311');
});

test('a peer carries the target host as Host name and the target id', () => {
  const target = targetRow('127.0.0.1:9000', 10);
  const peer = pickSync(createBalancer(upstreamRow(), [target]));
  assert.deepEqual(peer, { host: '127.0.0.1', port: 9000, hostname: '127.0.0.1', targetId: target.id });
});

test('upstream.host_header overrides the Host name of every peer', () => {
  const balancer = createBalancer(upstreamRow({ host_header: 'api.internal:8443' }), [targetRow('127.0.0.1:9000')]);
  assert.equal(pickSync(balancer).hostname, 'api.internal:8443');
});

test('IPv6 targets are unbracketed for connecting, bracketed for the Host header', () => {
  const peer = pickSync(createBalancer(upstreamRow(), [targetRow('[::1]:8080')]));
  assert.equal(peer.host, '::1');
  assert.equal(peer.port, 8080);
  assert.equal(peer.hostname, '[::1]');
});

test('weight 0 disables a target', () => {
  const balancer = createBalancer(upstreamRow(), [targetRow('10.0.0.1:80', 0), targetRow('10.0.0.2:80', 10)]);
  for (let i = 0; i < 20; i++) assert.equal(pickSync(balancer).host, '10.0.0.2');
});

test('duplicate target rows: the newest wins, including a newer weight 0', () => {
  const old = targetRow('10.0.0.1:80', 100, { created_at: 10 });
  const newer = targetRow('10.0.0.1:80', 0, { created_at: 20 });
  const other = targetRow('10.0.0.2:80', 10, { created_at: 5 });
  const balancer = createBalancer(upstreamRow(), [newer, old, other]);
  for (let i = 0; i < 10; i++) assert.equal(pickSync(balancer).host, '10.0.0.2');

  const revived = createBalancer(upstreamRow(), [old, targetRow('10.0.0.1:80', 7, { created_at: 30 })]);
  const peer = pickSync(revived);
  assert.equal(peer.host, '10.0.0.1');
  assert.notEqual(peer.targetId, old.id);
});

test('targets of other upstreams are ignored', () => {
  const balancer = createBalancer(upstreamRow(), [targetRow('10.0.0.9:80', 10, { upstream: { id: 'other' } })]);
  assert.throws(() => balancer.pick([]), (e: unknown) => e instanceof BalancerError && e.kind === 'no_peers');
});

test('a retry moves to a peer not yet tried, then cycles when all were tried', () => {
  const balancer = createBalancer(upstreamRow(), [targetRow('10.0.0.1:80', 100), targetRow('10.0.0.2:80', 1), targetRow('10.0.0.3:80', 1)]);
  const tried: Peer[] = [];
  for (let i = 0; i < 3; i++) tried.push(pickSync(balancer, tried));
  assert.deepEqual(tried.map((p) => p.host).sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  const again = pickSync(balancer, tried);
  assert.ok(['10.0.0.1', '10.0.0.2', '10.0.0.3'].includes(again.host));
});

test('tried peers are matched by address, not object identity', () => {
  const balancer = createBalancer(upstreamRow(), [targetRow('10.0.0.1:80', 100), targetRow('10.0.0.2:80', 1)]);
  const lookalike: Peer = { host: '10.0.0.1', port: 80, hostname: 'x', targetId: null };
  for (let i = 0; i < 5; i++) assert.equal(pickSync(balancer, [lookalike]).host, '10.0.0.2');
});

test('no targets, or only disabled ones, is Kong\'s ring-balancer failure', () => {
  for (const targets of [[], [targetRow('10.0.0.1:80', 0)]]) {
    const balancer = createBalancer(upstreamRow(), targets);
    assert.throws(() => balancer.pick([]), (error: unknown) => {
      assert.ok(error instanceof BalancerError);
      assert.equal(error.kind, 'no_peers');
      assert.equal(error.status, 503);
      assert.equal(error.message, 'failure to get a peer from the ring-balancer');
      return true;
    });
  }
});

test('an algorithm Portico does not implement fails when the balancer is built', () => {
  const unknown = 'sticky-random' as ReturnType<typeof upstreamRow>['algorithm'];
  assert.throws(() => createBalancer(upstreamRow({ algorithm: unknown }), [targetRow('10.0.0.1:80')]), /'sticky-random'.*not supported/);
});
