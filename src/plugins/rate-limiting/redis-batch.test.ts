// The coalesced redis increments against the real Redis: exact positions under concurrency (one
// connection and two "nodes"), fewer script calls than requests, and every waiter answered within
// the deadline when Redis refuses, drops the connection mid-batch or stops answering.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { RedisIncrements } from './redis-batch.ts';
import { startTcpRelay } from '../../../test/helpers/tcp-relay.ts';

const clients: Redis[] = [];
after(() => { for (const client of clients) client.disconnect(); });

/** A connection configured as redis.ts configures rate-limiting's, counting the script calls sent. */
async function connect(port = 6379): Promise<{ client: Redis; scriptCalls: () => number }> {
  const client = new Redis({
    host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0,
    enableAutoPipelining: false, commandTimeout: 150, retryStrategy: () => 50,
  });
  client.on('error', () => {});
  clients.push(client);
  await client.connect();
  let calls = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, stream?: unknown) => {
    if (command.name === 'evalsha' || command.name === 'eval') calls++;
    return send(command as never, stream as never);
  }) as typeof client.sendCommand;
  return { client, scriptCalls: () => calls };
}

const range = (count: number, from = 0): number[] => Array.from({ length: count }, (_unused, index) => from + index);
const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);

test('parallel requests on one key get the distinct positions 0..N-1 from far fewer script calls', async () => {
  const { client, scriptCalls } = await connect();
  const increments = new RedisIncrements(client, 500);
  const key = `test:rl:${randomUUID()}`;
  const results = await Promise.all(range(200).map(() => increments.add([key], [60], 1)));
  assert.deepEqual(sorted(results.map((usages) => usages[0]!)), range(200));
  assert.ok(scriptCalls() <= 5, `${scriptCalls()} script calls for 200 requests`);
  assert.equal(await client.get(key), '200');
  const ttl = await client.ttl(key);
  assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
});

test('requests arriving while a call is in flight join the next batch; positions stay exact', async () => {
  const { client, scriptCalls } = await connect();
  const increments = new RedisIncrements(client, 500);
  const key = `test:rl:${randomUUID()}`;
  const first = range(40).map(() => increments.add([key], [60], 1));
  // After the first flush has sent its call, before its reply can have arrived.
  await new Promise((resolve) => setImmediate(resolve));
  const second = range(40).map(() => increments.add([key], [60], 1));
  const third = range(40).map(() => increments.add([key], [60], 1));
  const results = await Promise.all([...first, ...second, ...third]);
  assert.deepEqual(sorted(results.map((usages) => usages[0]!)), range(120));
  assert.equal(scriptCalls(), 2, 'one call for the first wave, one for everything queued behind it');
  const firstPositions = (await Promise.all(first)).map((usages) => usages[0]!);
  assert.deepEqual(sorted(firstPositions), range(40), 'the first batch counts first');
});

test('several windows per request: each key counts every request once; keys batch in one pipeline', async () => {
  const { client } = await connect();
  const increments = new RedisIncrements(client, 500);
  const keys = [`test:rl:${randomUUID()}:second`, `test:rl:${randomUUID()}:hour`];
  const results = await Promise.all(range(60).map(() => increments.add(keys, [1, 3600], 2)));
  assert.deepEqual(sorted(results.map((usages) => usages[0]!)), range(60));
  assert.deepEqual(sorted(results.map((usages) => usages[1]!)), range(60));
  assert.equal(await client.get(keys[1]!), '60');
});

test('two nodes sharing Redis: positions never repeat, so a limit admits exactly its number', async () => {
  const nodes = [new RedisIncrements((await connect()).client, 500), new RedisIncrements((await connect()).client, 500)];
  const key = `test:rl:${randomUUID()}`;
  const limit = 37;
  const results = await Promise.all(range(300).map((index) => nodes[index % 2]!.add([key], [60], 1)));
  const positions = results.map((usages) => usages[0]!);
  assert.deepEqual(sorted(positions), range(300));
  assert.equal(positions.filter((position) => position < limit).length, limit);
});

test('Redis refusing connections: every waiter is rejected at once', async () => {
  const client = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 1000 });
  client.on('error', () => {});
  clients.push(client);
  await client.connect().catch(() => {});
  const increments = new RedisIncrements(client, 300);
  const started = Date.now();
  const settled = await Promise.allSettled(range(20).map(() => increments.add(['test:rl:refused'], [60], 1)));
  assert.ok(settled.every((result) => result.status === 'rejected'));
  assert.ok(Date.now() - started < 100, `took ${Date.now() - started} ms`);
});

test('connection dropped mid-batch: the batch in flight and the one queued behind it are all rejected, none hangs', async () => {
  const relay = await startTcpRelay(6379);
  try {
    const { client } = await connect(relay.port);
    const increments = new RedisIncrements(client, 400);
    const key = `test:rl:${randomUUID()}`;
    assert.deepEqual(await increments.add([key], [60], 1), [0]);
    const started = Date.now();
    const inFlight = range(30).map(() => increments.add([key], [60], 1));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = range(30).map(() => increments.add([key], [60], 1));
    await relay.cut();
    const settled = await Promise.allSettled([...inFlight, ...queued]);
    const elapsed = Date.now() - started;
    const answered = settled.filter((result) => result.status === 'fulfilled').length;
    // A reply that beat the cut is a correct answer; everything else must fail, not wait.
    assert.ok(answered === 0 || answered === 30, `${answered} answered`);
    assert.ok(settled.slice(30).every((result) => result.status === 'rejected'), 'the queued batch fails');
    assert.ok(elapsed < 450, `all settled after ${elapsed} ms`);
  } finally {
    await relay.close();
  }
});

/** Forwards to Redis until `stall()`; then nothing Redis says reaches the client any more. */
async function stallingProxy(): Promise<{ port: number; stall(): void; close(): Promise<void> }> {
  let stalled = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: 6379 });
    sockets.add(client).add(upstream);
    client.on('error', () => {}).pipe(upstream);
    upstream.on('error', () => {}).on('data', (chunk) => { if (!stalled) client.write(chunk); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall: () => { stalled = true; },
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

test('Redis stops answering: each waiter is rejected within the deadline counted from its own batch', async () => {
  const proxy = await stallingProxy();
  try {
    const { client } = await connect(proxy.port);
    client.options.commandTimeout = 10_000; // only the batch deadline may end the wait here
    const increments = new RedisIncrements(client, 150);
    const key = `test:rl:${randomUUID()}`;
    assert.deepEqual(await increments.add([key], [60], 1), [0]);
    proxy.stall();
    const timed = (): Promise<number> => {
      const started = Date.now();
      return increments.add([key], [60], 1).then(() => -1, () => Date.now() - started);
    };
    const first = range(10).map(timed);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const queued = range(10).map(timed);
    const waits = await Promise.all([...first, ...queued]);
    assert.ok(waits.every((wait) => wait >= 0), 'every request was rejected');
    assert.ok(waits.every((wait) => wait >= 140 && wait < 300), `waits ${JSON.stringify(waits)}`);
  } finally {
    await proxy.close();
  }
});
