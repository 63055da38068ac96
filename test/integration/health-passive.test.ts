// Passive health checks (circuit breaking) through the real proxy: real traffic trips the
// counters, the failing target stops getting requests, passive-only setups stay down until a
// manual override (as Kong: passive checks never re-enable a target), and a fully unhealthy
// upstream answers Kong's 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Healthchecks } from '../../src/entities/types.ts';
import { entitySet, route, service, target, upstream } from '../helpers/proxy-entities.ts';
import { healthchecks, startHealthProxy, targets, type FlappingTarget } from './health-harness.ts';

function config(checks: Healthchecks, members: FlappingTarget[], serviceFields: Parameters<typeof service>[0] = {}) {
  const pool = upstream({ name: 'backend.test', healthchecks: checks });
  const svc = service({ host: 'backend.test', port: 80, ...serviceFields });
  const rows = members.map((m) => target(pool, `127.0.0.1:${m.port}`));
  return { entities: entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/'] })], upstreams: [pool], targets: rows }), pool, rows };
}

test('after unhealthy.http_failures 500s a target gets no more traffic', async () => {
  const [good, bad] = await targets('good', 'bad');
  bad!.status = 500;
  const { entities } = config(healthchecks({ passive: { unhealthy: { http_failures: 3 } } }), [good!, bad!]);
  const node = await startHealthProxy(entities);
  try {
    for (let i = 0; i < 20; i++) await node.get('/');
    assert.equal(bad!.hits, 3, 'exactly the threshold reached the failing target');
    const before = good!.hits;
    const answers = await Promise.all(Array.from({ length: 30 }, () => node.get('/')));
    assert.ok(answers.every((a) => a.status === 200 && a.body === 'good'));
    assert.equal(bad!.hits, 3);
    assert.equal(good!.hits, before + 30);
  } finally {
    await node.close();
    await Promise.all([good!.down(), bad!.down()]);
  }
});

test('connection resets count as tcp failures; retries keep every answer a 200 meanwhile', async () => {
  const [good, resetting] = await targets('good', 'resetting');
  resetting!.reset = true;
  const { entities } = config(healthchecks({ passive: { unhealthy: { tcp_failures: 2 } } }), [good!, resetting!], { retries: 2 });
  const node = await startHealthProxy(entities);
  try {
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await node.get('/'));
    assert.ok(answers.every((a) => a.status === 200 && a.body === 'good'), JSON.stringify(answers.filter((a) => a.status !== 200)));
    assert.equal(resetting!.hits, 2);
  } finally {
    await node.close();
    await Promise.all([good!.down(), resetting!.down()]);
  }
});

test('a slow target trips the timeouts counter and is skipped afterwards', async () => {
  const [good, slow] = await targets('good', 'slow');
  slow!.delayMs = 1000;
  const { entities } = config(healthchecks({ passive: { unhealthy: { timeouts: 2 } } }), [good!, slow!], { retries: 1, read_timeout: 80 });
  const node = await startHealthProxy(entities);
  try {
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await node.get('/'));
    assert.ok(answers.every((a) => a.status === 200 && a.body === 'good'));
    assert.equal(slow!.hits, 2);
    const started = Date.now();
    for (let i = 0; i < 10; i++) await node.get('/');
    assert.ok(Date.now() - started < 500, 'no request waits for the slow target any more');
  } finally {
    await node.close();
    await Promise.all([good!.down(), slow!.down()]);
  }
});

test('passive-only: an unhealthy target stays out after it recovers, until PUT .../healthy', async () => {
  const [good, flaky] = await targets('good', 'flaky');
  flaky!.status = 503;
  const { entities, pool, rows } = config(healthchecks({ passive: { healthy: { successes: 1 }, unhealthy: { http_failures: 1 } } }), [good!, flaky!]);
  const node = await startHealthProxy(entities);
  try {
    for (let i = 0; i < 4; i++) await node.get('/');
    assert.equal(flaky!.hits, 1);
    flaky!.status = 200;
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 10; i++) await node.get('/');
    assert.equal(flaky!.hits, 1, 'no traffic, so no passive success can bring it back');
    // What the Admin API's PUT /upstreams/{u}/targets/{t}/healthy does.
    await node.local.monitor.setHealth({ upstreamId: pool.id, targetId: rows[1]!.id, address: null, healthy: true });
    for (let i = 0; i < 10; i++) await node.get('/');
    assert.equal(flaky!.hits, 6);
  } finally {
    await node.close();
    await Promise.all([good!.down(), flaky!.down()]);
  }
});

test('every target unhealthy → 503 "failure to get a peer from the ring-balancer"', async () => {
  const [one, two] = await targets('one', 'two');
  one!.status = 500;
  two!.status = 500;
  const { entities, pool } = config(healthchecks({ passive: { unhealthy: { http_failures: 1 } } }), [one!, two!]);
  const node = await startHealthProxy(entities);
  try {
    assert.equal((await node.get('/')).status, 500);
    assert.equal((await node.get('/')).status, 500);
    const res = await node.get('/', { accept: 'application/json' });
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).message, 'failure to get a peer from the ring-balancer');
    assert.equal(one!.hits + two!.hits, 2);
    const status = node.proxy.snapshot.upstreams.get('backend.test')!.balancer.status();
    assert.equal(status.healthy, false);
    assert.deepEqual(status.weight, { total: 200, unavailable: 200, available: 0 });
    assert.equal(pool.healthchecks.threshold, 0);
  } finally {
    await node.close();
    await Promise.all([one!.down(), two!.down()]);
  }
});
