import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from './index.ts';
import { targetRow, upstreamRow, pickSync } from './test-support.ts';

const leastConnections = upstreamRow({ algorithm: 'least-connections' });


test('exposes connection hooks; round-robin does not', () => {
  const balancer = createBalancer(leastConnections, [targetRow('10.10.0.1:80')]);
  assert.equal(typeof balancer.onStart, 'function');
  assert.equal(typeof balancer.onEnd, 'function');
  assert.equal(createBalancer(upstreamRow(), [targetRow('10.10.0.1:80')]).onStart, undefined);
});

test('new requests go to the peer with the fewest open connections', () => {
  const balancer = createBalancer(leastConnections, [targetRow('10.10.0.1:80'), targetRow('10.10.0.2:80')]);
  const busy = pickSync(balancer);
  balancer.onStart!(busy);
  balancer.onStart!(busy);
  for (let i = 0; i < 5; i++) assert.notEqual(pickSync(balancer).host, busy.host);
  balancer.onEnd!(busy);
  balancer.onEnd!(busy);
  const seen = new Set([pickSync(balancer).host, pickSync(balancer).host]);
  assert.equal(seen.size, 2, 'idle peers share traffic again once connections end');
});

test('concurrency follows weights: (active + 1) / weight', () => {
  const balancer = createBalancer(leastConnections, [targetRow('10.10.1.1:80', 300), targetRow('10.10.1.2:80', 100)]);
  const open = new Map<string, number>();
  for (let i = 0; i < 400; i++) {
    const peer = pickSync(balancer);
    balancer.onStart!(peer);
    open.set(peer.host, (open.get(peer.host) ?? 0) + 1);
  }
  assert.equal(open.get('10.10.1.1'), 300);
  assert.equal(open.get('10.10.1.2'), 100);
});

test('a retry avoids tried peers even when they are the least busy', () => {
  const balancer = createBalancer(leastConnections, [targetRow('10.10.2.1:80'), targetRow('10.10.2.2:80')]);
  const idle = pickSync(balancer);
  const other = pickSync(balancer, [idle]);
  balancer.onStart!(other);
  assert.notEqual(pickSync(balancer, [idle]).host, idle.host);
  assert.equal(pickSync(balancer).host, idle.host);
});

test('onEnd never drives a count negative', () => {
  const balancer = createBalancer(leastConnections, [targetRow('10.10.3.1:80'), targetRow('10.10.3.2:80')]);
  const first = pickSync(balancer);
  balancer.onEnd!(first);
  balancer.onEnd!(first);
  balancer.onStart!(first); // one real connection: the count must be 1, not -1
  for (let i = 0; i < 3; i++) assert.notEqual(pickSync(balancer).host, first.host);
});
