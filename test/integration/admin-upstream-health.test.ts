// GET /upstreams/{u}/health and the target health overrides, fed by a real balancer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from '../../src/proxy/balancer/index.ts';
import type { Balancer } from '../../src/proxy/balancer/index.ts';
import type { Target, Upstream } from '../../src/entities/types.ts';
import { startHarness, call } from '../../src/admin/testing/harness.ts';
import type { Harness } from '../../src/admin/testing/harness.ts';

let admin: Harness;
const balancers = new Map<string, Balancer>();
const overrides: Array<{ upstreamId: string; targetId: string; address: string | null; healthy: boolean }> = [];

before(async () => {
  admin = await startHarness({
    database: 'sqlite',
    upstreamHealth: {
      status: (upstreamId) => balancers.get(upstreamId)?.status() ?? null,
      setHealth: async (upstreamId, targetId, address, healthy) => { overrides.push({ upstreamId, targetId, address, healthy }); },
    },
  });
});
after(async () => {
  for (const balancer of balancers.values()) balancer.close();
  await admin.close();
});

async function upstreamWithTargets(name: string, healthchecks?: unknown) {
  const upstream = (await call(admin.url, 'POST', '/upstreams', { json: { name, ...(healthchecks ? { healthchecks } : {}) } })).body as Upstream;
  const a = (await call(admin.url, 'POST', `/upstreams/${name}/targets`, { json: { target: '127.0.0.1:9001' } })).body as Target;
  const b = (await call(admin.url, 'POST', `/upstreams/${name}/targets`, { json: { target: '127.0.0.2:9002', weight: 50 } })).body as Target;
  balancers.set(upstream.id, createBalancer(upstream, [a, b]));
  return { upstream, a, b };
}

test('per-target health with addresses; HEALTHCHECKS_OFF when no check is configured', async () => {
  const { a } = await upstreamWithTargets('health-off');
  const res = await call(admin.url, 'GET', '/upstreams/health-off/health');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.node_id, '7f6c4c8e-2a41-4b8e-9d5b-3a3f4c2d1e0f');
  assert.equal(res.body.next, null);
  assert.equal(res.body.data.length, 2);
  const first = res.body.data.find((t: { id: string }) => t.id === a.id);
  assert.equal(first.health, 'HEALTHCHECKS_OFF');
  assert.deepEqual(first.data.addresses, [{ ip: '127.0.0.1', port: 9001, weight: 100, health: 'HEALTHCHECKS_OFF' }]);
  assert.equal((await call(admin.url, 'GET', '/upstreams/nope/health')).status, 404);
});

test('with passive checks targets are HEALTHY; balancer_health=1 summarises the upstream', async () => {
  const { upstream } = await upstreamWithTargets('health-on', { passive: { unhealthy: { http_failures: 3 } } });
  const res = await call(admin.url, 'GET', '/upstreams/health-on/health');
  assert.deepEqual(res.body.data.map((t: { health: string }) => t.health), ['HEALTHY', 'HEALTHY']);
  const summary = await call(admin.url, 'GET', '/upstreams/health-on/health?balancer_health=1');
  assert.equal(summary.body.data.id, upstream.id);
  assert.equal(summary.body.data.health, 'HEALTHY');
  assert.equal(summary.body.data.details.weight.total, 150);
});

test('PUT healthy/unhealthy reach the balancer owner and answer 204; unknown targets 404', async () => {
  const { upstream, a } = await upstreamWithTargets('health-set');
  assert.equal((await call(admin.url, 'PUT', '/upstreams/health-set/targets/127.0.0.1:9001/unhealthy')).status, 204);
  assert.equal((await call(admin.url, 'PUT', `/upstreams/health-set/targets/${a.id}/127.0.0.1:9001/healthy`)).status, 204);
  assert.deepEqual(overrides.slice(-2), [
    { upstreamId: upstream.id, targetId: a.id, address: null, healthy: false },
    { upstreamId: upstream.id, targetId: a.id, address: '127.0.0.1:9001', healthy: true },
  ]);
  assert.equal((await call(admin.url, 'PUT', '/upstreams/health-set/targets/10.9.9.9:1/healthy')).status, 404);
});
