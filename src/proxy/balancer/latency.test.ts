import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from './index.ts';
import type { Balancer, Peer } from './index.ts';
import { manualClock, targetRow, upstreamRow, pickSync } from './test-support.ts';

const latency = upstreamRow({ algorithm: 'latency' });


function measure(balancer: Balancer, host: string, ms: number): void {
  balancer.onEnd!({ host, port: 80, hostname: host, targetId: null }, ms);
}

test('traffic goes to the address with the lower moving-average latency', () => {
  const clock = manualClock();
  const balancer = createBalancer(latency, [targetRow('10.60.0.1:80'), targetRow('10.60.0.2:80')], { now: clock.now });
  assert.equal(balancer.onStart, undefined);
  measure(balancer, '10.60.0.1', 400);
  measure(balancer, '10.60.0.2', 20);
  clock.advance(1000);
  for (let i = 0; i < 20; i++) assert.equal(pickSync(balancer).host, '10.60.0.2');
});

test('weights scale the latency score', () => {
  const clock = manualClock();
  const balancer = createBalancer(latency, [targetRow('10.61.0.1:80', 1000), targetRow('10.61.0.2:80', 10)], { now: clock.now });
  measure(balancer, '10.61.0.1', 100);
  measure(balancer, '10.61.0.2', 10);
  clock.advance(1000);
  assert.equal(pickSync(balancer).host, '10.61.0.1', '100ms / 1000 beats 10ms / 10');
});

test('a retry avoids the tried address even when it is the fastest', () => {
  const clock = manualClock();
  const balancer = createBalancer(latency, [targetRow('10.62.0.1:80'), targetRow('10.62.0.2:80'), targetRow('10.62.0.3:80')], { now: clock.now });
  measure(balancer, '10.62.0.1', 1);
  measure(balancer, '10.62.0.2', 500);
  measure(balancer, '10.62.0.3', 500);
  clock.advance(1000);
  const fast: Peer = { host: '10.62.0.1', port: 80, hostname: '', targetId: null };
  for (let i = 0; i < 20; i++) assert.notEqual(pickSync(balancer, [fast]).host, '10.62.0.1');
});

test('a slow address recovers as its average decays, and unknown peers or bad samples are ignored', () => {
  const clock = manualClock();
  const balancer = createBalancer(latency, [targetRow('10.63.0.1:80'), targetRow('10.63.0.2:80')], { now: clock.now });
  measure(balancer, '10.63.0.1', 1000);
  measure(balancer, '10.63.0.2', 50);
  measure(balancer, '10.99.0.1', 1);
  measure(balancer, '10.63.0.2', Number.NaN);
  clock.advance(100);
  assert.equal(pickSync(balancer).host, '10.63.0.2');
  // 10.63.0.2 keeps getting 50 ms answers while 10.63.0.1 idles and decays towards 0.
  for (let i = 0; i < 60; i++) {
    clock.advance(1000);
    measure(balancer, '10.63.0.2', 50);
  }
  assert.equal(pickSync(balancer).host, '10.63.0.1');
});
