import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from './index.ts';
import type { Balancer, Peer } from './index.ts';
import { pickSync, targetRow, upstreamRow } from './test-support.ts';

const hashing = upstreamRow({ algorithm: 'consistent-hashing', hash_on: 'header', hash_on_header: 'x-user' });

function ring(count: number, weight = 100): Balancer {
  return createBalancer(hashing, Array.from({ length: count }, (_, i) => targetRow(`10.8.0.${i + 1}:80`, weight)));
}

function owner(balancer: Balancer, key: string, tried: Peer[] = []): Peer {
  return pickSync(balancer, tried, key);
}

const keys = Array.from({ length: 5000 }, (_, i) => `user-${i}`);

test('the same key always lands on the same peer, across rebuilds of the same targets', () => {
  const first = ring(4);
  const second = ring(4);
  for (const key of keys.slice(0, 500)) {
    assert.equal(owner(first, key).host, owner(first, key).host);
    assert.equal(owner(first, key).host, owner(second, key).host);
  }
});

test('keys spread over the targets roughly by weight', () => {
  const balancer = createBalancer(hashing, [targetRow('10.8.1.1:80', 300), targetRow('10.8.1.2:80', 100)]);
  let heavy = 0;
  for (const key of keys) if (owner(balancer, key).host === '10.8.1.1') heavy++;
  const share = heavy / keys.length;
  assert.ok(share > 0.65 && share < 0.85, `heavy share ${share}`);
});

test('adding a target remaps fewer than 2/n of the keys, all of them to the new target', () => {
  const before = ring(4);
  const after = ring(5);
  let moved = 0;
  for (const key of keys) {
    const from = owner(before, key).host;
    const to = owner(after, key).host;
    if (from !== to) {
      moved++;
      assert.equal(to, '10.8.0.5', 'a key only moves to the added target');
    }
  }
  assert.ok(moved > 0, 'the new target takes some keys');
  assert.ok(moved / keys.length < 2 / 5, `moved ${moved}`);
});

test('a retry goes to another peer, deterministically for the key', () => {
  const balancer = ring(3);
  const first = owner(balancer, 'user-42');
  const second = owner(balancer, 'user-42', [first]);
  assert.notEqual(second.host, first.host);
  assert.equal(owner(balancer, 'user-42', [first]).host, second.host);
  const third = owner(balancer, 'user-42', [first, second]);
  assert.equal(new Set([first.host, second.host, third.host]).size, 3);
  assert.ok(['10.8.0.1', '10.8.0.2', '10.8.0.3'].includes(owner(balancer, 'user-42', [first, second, third]).host));
});

test('an empty hash value still picks a stable peer', () => {
  const balancer = ring(3);
  assert.equal(owner(balancer, '').host, owner(balancer, '').host);
  assert.equal((balancer.pick([]) as Peer).host, owner(balancer, '').host);
});

test('more targets than the continuum has room for still all receive keys', () => {
  const crowded = createBalancer({ ...hashing, slots: 10 }, Array.from({ length: 40 }, (_, i) => targetRow(`10.9.0.${i + 1}:80`)));
  const seen = new Set<string>();
  for (const key of keys) seen.add(owner(crowded, key).host);
  assert.equal(seen.size, 40);
});
