// Distribution through the real proxy (issue 7 §4): weighted round-robin shares within 5% over
// 10,000 requests, and consistent hashing moving only the keys a newly added target takes over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Target } from '../../src/entities/types.ts';
import { entitySet, route, service, target, upstream } from '../helpers/proxy-entities.ts';
import { healthchecks, startHealthProxy, targets, type HealthProxy } from './health-harness.ts';

async function counted(node: HealthProxy, requests: number, headersFor: (i: number) => Record<string, string> = () => ({})): Promise<string[]> {
  const bodies: string[] = new Array(requests);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests) {
      const i = next++;
      const res = await node.get('/', headersFor(i));
      assert.equal(res.status, 200);
      bodies[i] = res.body;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return bodies;
}

test('weighted round-robin: shares within 5% of the weights over 10,000 requests', async () => {
  const members = await targets('w100', 'w200', 'w300');
  const pool = upstream({ name: 'backend.test', healthchecks: healthchecks() });
  const svc = service({ host: 'backend.test', port: 80 });
  const rows = members.map((m, i) => target(pool, `127.0.0.1:${m.port}`, (i + 1) * 100));
  const node = await startHealthProxy(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/'] })], upstreams: [pool], targets: rows }));
  try {
    const bodies = await counted(node, 10_000);
    const shares = new Map<string, number>();
    for (const body of bodies) shares.set(body, (shares.get(body) ?? 0) + 1);
    for (const [name, weight] of [['w100', 100], ['w200', 200], ['w300', 300]] as const) {
      const expected = (10_000 * weight) / 600;
      const actual = shares.get(name) ?? 0;
      assert.ok(Math.abs(actual - expected) / expected <= 0.05, `${name}: ${actual} vs ${expected.toFixed(0)}`);
    }
  } finally {
    await node.close();
    await Promise.all(members.map((m) => m.down()));
  }
});

test('consistent hashing: adding a fourth target moves about a quarter of the keys, all to it', async () => {
  const members = await targets('a', 'b', 'c', 'd');
  const pool = upstream({ name: 'backend.test', algorithm: 'consistent-hashing', hash_on: 'header', hash_on_header: 'x-user', healthchecks: healthchecks() });
  const svc = service({ host: 'backend.test', port: 80 });
  const rows: Target[] = members.map((m) => target(pool, `127.0.0.1:${m.port}`));
  const keys = (i: number): Record<string, string> => ({ 'x-user': `user-${i}` });
  const assignments = async (withTargets: Target[]): Promise<string[]> => {
    const node = await startHealthProxy(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/'] })], upstreams: [pool], targets: withTargets }));
    try {
      return await counted(node, 2000, keys);
    } finally {
      await node.close();
    }
  };
  try {
    const before = await assignments(rows.slice(0, 3));
    const after = await assignments(rows);
    let moved = 0;
    before.forEach((owner, i) => {
      if (after[i] === owner) return;
      moved += 1;
      assert.equal(after[i], 'd', `user-${i} moved from ${owner} to ${after[i]}, not to the new target`);
    });
    assert.ok(moved > 2000 * 0.15 && moved < 2000 * 0.35, `${moved} of 2000 keys moved`);
  } finally {
    await Promise.all(members.map((m) => m.down()));
  }
});
