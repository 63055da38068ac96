// The Admin API's health endpoints wired to a real node health (createLocalHealth +
// adminHealthSource) and the real proxy: overrides through PUT .../healthy|unhealthy change
// where traffic goes, and GET /upstreams/{u}/health shows what the proxy's balancer does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startHarness, type Harness } from '../../src/admin/testing/harness.ts';
import type { Route, Service, Target, Upstream } from '../../src/entities/types.ts';
import { adminHealthSource, type HealthStateSink } from '../../src/proxy/index.ts';
import { entitySet } from '../helpers/proxy-entities.ts';
import { startHealthProxy, targets, type FlappingTarget, type HealthProxy } from './health-harness.ts';

let admin: Harness;
let node: HealthProxy | null = null;
let members: FlappingTarget[];
let rows: Target[];

// The admin starts before the proxy exists; both hops resolve the node lazily.
const sink: HealthStateSink = {
  report: (report) => node?.local.monitor.report(report),
  setHealth: async (override) => node?.local.monitor.setHealth(override),
};

before(async () => {
  members = await targets('first', 'second');
  admin = await startHarness({ database: 'sqlite', upstreamHealth: adminHealthSource(() => node?.proxy.snapshot.upstreams.values() ?? [], sink) });
  const upstream = (await call(admin.url, 'POST', '/upstreams', { json: { name: 'backend.test', healthchecks: { passive: { unhealthy: { http_failures: 1 } } } } })).body as Upstream;
  rows = [];
  for (const member of members) rows.push((await call(admin.url, 'POST', '/upstreams/backend.test/targets', { json: { target: `127.0.0.1:${member.port}` } })).body as Target);
  const svc = (await call(admin.url, 'POST', '/services', { json: { host: 'backend.test', port: 80 } })).body as Service;
  const rt = (await call(admin.url, 'POST', '/routes', { json: { paths: ['/'], service: { id: svc.id } } })).body as Route;
  node = await startHealthProxy(entitySet({ services: [svc], routes: [rt], upstreams: [upstream], targets: rows }));
});
after(async () => {
  await node?.close();
  await admin.close();
  await Promise.all(members.map((m) => m.down()));
});

async function health(): Promise<Record<string, string>> {
  const res = await call(admin.url, 'GET', '/upstreams/backend.test/health');
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.body.data.map((t: { target: string; health: string }) => [t.target, t.health]));
}

async function bodies(count: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) seen.add((await node!.get('/')).body);
  return seen;
}

test('PUT .../unhealthy takes a target out of the proxy; PUT .../{ip:port}/healthy brings it back', async () => {
  const [first, second] = rows;
  assert.deepEqual(await health(), { [first!.target]: 'HEALTHY', [second!.target]: 'HEALTHY' });
  assert.equal((await call(admin.url, 'PUT', `/upstreams/backend.test/targets/${first!.id}/unhealthy`)).status, 204);
  assert.deepEqual(await health(), { [first!.target]: 'UNHEALTHY', [second!.target]: 'HEALTHY' });
  assert.deepEqual(await bodies(6), new Set(['second']));
  const put = await call(admin.url, 'PUT', `/upstreams/backend.test/targets/${first!.target}/${first!.target}/healthy`);
  assert.equal(put.status, 204);
  assert.equal((await health())[first!.target], 'HEALTHY');
  assert.deepEqual(await bodies(6), new Set(['first', 'second']));
});

test('passive failures show in /health; with no target left the balancer is UNHEALTHY and the proxy answers 503', async () => {
  const [first, second] = rows;
  members[0]!.status = 500;
  await bodies(4);
  assert.equal((await health())[first!.target], 'UNHEALTHY');
  const summary = await call(admin.url, 'GET', '/upstreams/backend.test/health?balancer_health=1');
  assert.equal(summary.body.data.health, 'HEALTHY');
  assert.deepEqual(summary.body.data.details.weight, { total: 200, unavailable: 100, available: 100 });
  await call(admin.url, 'PUT', `/upstreams/backend.test/targets/${second!.id}/unhealthy`);
  const after = await call(admin.url, 'GET', '/upstreams/backend.test/health?balancer_health=1');
  assert.equal(after.body.data.health, 'UNHEALTHY');
  assert.equal((await node!.get('/')).status, 503);
  members[0]!.status = 200;
  await call(admin.url, 'PUT', `/upstreams/backend.test/targets/${first!.id}/healthy`);
  assert.deepEqual(await bodies(4), new Set(['first']));
});
