// sync_rate counters against the real Redis: local counting between syncs, deltas (only of
// admitted requests) flushed with the window's expiry, other nodes' counts seen after a sync,
// failed syncs keeping their deltas, failed first reads leaving nothing behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SyncedRedisCounters } from './redis-sync.ts';
import { startTcpRelay } from '../../../test/helpers/tcp-relay.ts';

const clients: Redis[] = [];
after(() => { for (const client of clients) client.disconnect(); });

async function connect(port = 6379): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 300, retryStrategy: () => 50 });
  client.on('error', () => {});
  clients.push(client);
  await client.connect();
  return client;
}

/** Long interval: the tests call flush() themselves. */
const HOUR_MS = 3_600_000;
const windowEnd = (): number => Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;

test('unknown keys are read first; then requests count locally up to the limit and rejected ones do not count', async () => {
  const client = await connect();
  const key = `test:rl-sync:${randomUUID()}`;
  await client.set(key, '2');
  const errors: Error[] = [];
  const counters = new SyncedRedisCounters(client, 300, HOUR_MS, (error) => errors.push(error));
  const usages = [0];
  assert.equal(counters.take([key], [5], 1, usages), null, 'not known yet');
  await counters.load([key], [windowEnd()], 1);
  const outcomes = Array.from({ length: 5 }, () => {
    const admitted = counters.take([key], [5], 1, usages);
    return [admitted, usages[0]];
  });
  assert.deepEqual(outcomes, [[true, 2], [true, 3], [true, 4], [false, 5], [false, 5]]);
  assert.equal(await client.get(key), '2', 'nothing sent before the sync');
  await counters.flush();
  assert.equal(await client.get(key), '5', 'three admitted requests synced, the rejected ones not');
  assert.deepEqual(errors, []);
});

test('a new key gets the window end as its expiry; a sync makes other nodes\' counts visible', async () => {
  const nodeA = new SyncedRedisCounters(await connect(), 300, HOUR_MS, () => {});
  const nodeB = new SyncedRedisCounters(await connect(), 300, HOUR_MS, () => {});
  const key = `test:rl-sync:${randomUUID()}`;
  const end = windowEnd();
  const usages = [0];
  await nodeA.load([key], [end], 1);
  await nodeB.load([key], [end], 1);
  for (let index = 0; index < 4; index++) assert.equal(nodeA.take([key], [100], 1, usages), true);
  for (let index = 0; index < 3; index++) assert.equal(nodeB.take([key], [100], 1, usages), true);
  await nodeA.flush();
  await nodeB.flush();
  const probe = await connect();
  assert.equal(await probe.get(key), '7');
  const expireAt = await probe.call('EXPIRETIME', key) as number;
  assert.equal(expireAt, Math.ceil(end / 1000));
  nodeB.take([key], [100], 1, usages);
  assert.equal(usages[0], 7, 'node B now counts from the cluster total');
  await nodeA.flush();
  assert.equal(nodeA.size, 0, 'a counter without local requests since the last sync is dropped (read again on next use)');
});

test('a sync that fails keeps its deltas for the next one', async () => {
  const relay = await startTcpRelay(6379);
  try {
    const client = await connect(relay.port);
    const errors: Error[] = [];
    const counters = new SyncedRedisCounters(client, 200, HOUR_MS, (error) => errors.push(error));
    const key = `test:rl-sync:${randomUUID()}`;
    const usages = [0];
    await counters.load([key], [windowEnd()], 1);
    for (let index = 0; index < 3; index++) counters.take([key], [100], 1, usages);
    await relay.cut();
    await counters.flush();
    assert.equal(errors.length, 1, 'the failure is reported');
    counters.take([key], [100], 1, usages);
    await relay.restore();
    for (let attempt = 0; attempt < 50 && client.status !== 'ready'; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    await counters.flush();
    const probe = await connect();
    assert.equal(await probe.get(key), '4', 'the three unsynced requests and the later one');
  } finally {
    await relay.close();
  }
});

test('a failed first read rejects every waiter and caches nothing', async () => {
  const relay = await startTcpRelay(6379);
  const client = await connect(relay.port);
  await relay.close();
  const counters = new SyncedRedisCounters(client, 150, HOUR_MS, () => {});
  const key = `test:rl-sync:${randomUUID()}`;
  const started = Date.now();
  const settled = await Promise.allSettled(Array.from({ length: 5 }, () => counters.load([key], [windowEnd()], 1)));
  assert.ok(settled.every((result) => result.status === 'rejected'));
  assert.ok(Date.now() - started < 400, `took ${Date.now() - started} ms`);
  assert.equal(counters.size, 0);
  assert.equal(counters.take([key], [5], 1, [0]), null);
});
