// Active health checks through the real proxy: a target that goes down (its port closed) is
// taken out by the probes, comes back within unhealthy.interval × healthy.successes once it
// listens again on the same port, and no client request fails while it flaps (retries on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Healthchecks } from '../../src/entities/types.ts';
import { entitySet, route, service, target, upstream } from '../helpers/proxy-entities.ts';
import { eventually, healthchecks, startHealthProxy, targets, type FlappingTarget, type HealthProxy } from './health-harness.ts';

const ACTIVE = healthchecks({
  active: { type: 'http', timeout: 0.2, healthy: { interval: 0.05, successes: 2 }, unhealthy: { interval: 0.05, tcp_failures: 1, http_failures: 2, timeouts: 1 } },
});

async function start(members: FlappingTarget[], checks: Healthchecks = ACTIVE, retries = 5): Promise<HealthProxy> {
  const pool = upstream({ name: 'backend.test', healthchecks: checks });
  const svc = service({ host: 'backend.test', port: 80, retries, connect_timeout: 200, read_timeout: 1000 });
  const rows = members.map((m) => target(pool, `127.0.0.1:${m.port}`));
  return startHealthProxy(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/'] })], upstreams: [pool], targets: rows }));
}

const healthOf = (node: HealthProxy, member: FlappingTarget): boolean | undefined => node.proxy.snapshot.upstreams.get('backend.test')!.balancer
  .status().hosts.find((h) => h.port === member.port)?.addresses[0]?.healthy;

test('a target whose port closes is taken out by the probes and restored after healthy.successes', async () => {
  const [stable, flapping] = await targets('stable', 'flapping');
  const node = await start([stable!, flapping!]);
  try {
    await flapping!.down();
    const failover = await eventually(() => healthOf(node, flapping!) === false, 2000);
    assert.ok(failover < 1000, `taken out after ${failover} ms`);
    const whileDown = await Promise.all(Array.from({ length: 20 }, () => node.get('/')));
    assert.ok(whileDown.every((a) => a.status === 200 && a.body === 'stable'));
    await flapping!.up();
    const hitsBefore = flapping!.hits;
    const recovery = await eventually(() => healthOf(node, flapping!) === true, 2000);
    // interval 0.05 s × 2 successes, plus phase and probe time (slack for loaded test machines).
    assert.ok(recovery < 1500, `restored after ${recovery} ms`);
    assert.ok(flapping!.hits - hitsBefore >= 2, 'the probes reached it');
    const afterwards = await Promise.all(Array.from({ length: 20 }, () => node.get('/')));
    assert.ok(afterwards.some((a) => a.body === 'flapping'), 'traffic comes back');
  } finally {
    await node.close();
    await Promise.all([stable!.down(), flapping!.down()]);
  }
});

test('an http probe status in unhealthy.http_statuses counts; a slow probe is a timeout', async () => {
  const [stable, erroring, slow] = await targets('stable', 'erroring', 'slow');
  erroring!.status = 500;
  slow!.delayMs = 400;
  const node = await start([stable!, erroring!, slow!]);
  try {
    await eventually(() => healthOf(node, erroring!) === false && healthOf(node, slow!) === false, 2000);
    assert.equal(healthOf(node, stable!), true);
    const answers = await Promise.all(Array.from({ length: 10 }, () => node.get('/')));
    assert.ok(answers.every((a) => a.body === 'stable'));
  } finally {
    await node.close();
    await Promise.all([stable!.down(), erroring!.down(), slow!.down()]);
  }
});

test('no request is lost while a target flaps, as long as one target is up (retries > 0)', async () => {
  const [stable, flapping] = await targets('stable', 'flapping');
  const node = await start([stable!, flapping!]);
  let stop = false;
  const statuses = new Map<number, number>();
  const client = async (): Promise<void> => {
    while (!stop) {
      const { status } = await node.get('/');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  try {
    const clients = Array.from({ length: 8 }, client);
    for (let flap = 0; flap < 4; flap++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      await flapping!.down();
      await new Promise((resolve) => setTimeout(resolve, 120));
      await flapping!.up();
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop = true;
    await Promise.all(clients);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.ok(total > 100, `enough traffic (${total})`);
    assert.deepEqual([...statuses.keys()], [200], JSON.stringify([...statuses]));
    assert.ok(flapping!.hits > 0);
  } finally {
    stop = true;
    await node.close();
    await Promise.all([stable!.down(), flapping!.down()]);
  }
});

test('all targets down → 503 from the ring-balancer within one probe interval, back when one returns', async () => {
  const [one, two] = await targets('one', 'two');
  const node = await start([one!, two!], ACTIVE, 1);
  try {
    await Promise.all([one!.down(), two!.down()]);
    await eventually(async () => (await node.get('/')).status === 503, 2000);
    const res = await node.get('/');
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).message, 'failure to get a peer from the ring-balancer');
    await one!.up();
    await eventually(async () => (await node.get('/')).body === 'one', 2000);
  } finally {
    await node.close();
    await Promise.all([one!.down(), two!.down()]);
  }
});
