// rate-limiting through real gateway processes: the local policy is exact per node across
// workers (counters owned by the primary), and the redis policy is exact across nodes sharing
// one Redis, with many parallel clients on separate connections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { startTcpRelay } from '../helpers/tcp-relay.ts';

let upstream: Server;
let upstreamPort = 0;

before(async () => {
  upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

function kongYml(pluginConfig: string): string {
  return [
    '_format_version: "3.0"',
    'services:',
    '  - name: echo',
    `    url: http://127.0.0.1:${upstreamPort}`,
    '    routes:',
    '      - name: limited',
    '        paths: ["/"]',
    'plugins:',
    '  - name: rate-limiting',
    '    config:',
    ...pluginConfig.split('\n').map((line) => `      ${line}`),
    '',
  ].join('\n');
}

/** One request on its own connection (agent: false), so SO_REUSEPORT spreads them over workers. */
function get(gateway: GatewayProcess, tenant: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.proxyUrl}/`, { agent: false, headers: { 'x-tenant': tenant } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function burst(gateways: GatewayProcess[], tenant: string, count: number): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, (_unused, index) => get(gateways[index % gateways.length]!, tenant)));
}

test('local policy: one counter per node across two workers — parallel clients never exceed the limit', async () => {
  const gateway = await startGatewayProcess({
    workers: 2,
    kongYml: kongYml('hour: 25\nlimit_by: header\nheader_name: x-tenant\npolicy: local'),
  });
  try {
    const tenant = randomUUID();
    const statuses = await burst([gateway], tenant, 80);
    assert.equal(statuses.filter((status) => status === 200).length, 25, `got ${JSON.stringify(statuses)}`);
    assert.equal(statuses.filter((status) => status === 429).length, 55);
    assert.equal(await get(gateway, randomUUID()), 200, 'another tenant is not affected');
  } finally {
    await gateway.stop();
  }
});

test('redis cut (fault_tolerant): requests pass within the deadline, limiting resumes when Redis is back', async () => {
  const relay = await startTcpRelay(6379);
  const config = `hour: 3\nlimit_by: header\nheader_name: x-tenant\npolicy: redis\nredis:\n  host: 127.0.0.1\n  port: ${relay.port}\n  timeout: 200`;
  const gateway = await startGatewayProcess({ workers: 1, kongYml: kongYml(config) });
  try {
    const tenant = randomUUID();
    assert.equal(await get(gateway, tenant), 200, 'Redis reachable: counted');
    await relay.cut();
    const started = Date.now();
    const during = await burst([gateway], tenant, 10);
    const elapsed = Date.now() - started;
    assert.deepEqual(during, Array(10).fill(200), 'fault_tolerant: proxied while Redis is away');
    assert.ok(elapsed < 1_500, `ten parallel requests took ${elapsed} ms`);
    await relay.restore();
    let statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      statuses = await burst([gateway], tenant, 4);
      if (statuses.includes(429)) break;
    }
    assert.ok(statuses.includes(429), `limiting resumed: ${JSON.stringify(statuses)}`);
  } finally {
    await gateway.stop();
    await relay.close();
  }
});

/** The one counter a tenant has in Redis for `period` (null before its first request). */
async function redisCount(tenant: string, period: string): Promise<string | null> {
  const { Redis } = await import('ioredis');
  const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  try {
    await probe.connect();
    const keys = await probe.keys(`ratelimit:*:${tenant}:*:${period}`);
    return keys.length === 1 ? probe.get(keys[0]!) : null;
  } finally {
    probe.disconnect();
  }
}

test('redis policy, many parallel clients on two nodes: exactly the limit passes and every request is counted once', async () => {
  const config = 'hour: 97\nlimit_by: header\nheader_name: x-tenant\npolicy: redis\nredis:\n  host: 127.0.0.1\n  port: 6379\n  timeout: 1000';
  const [first, second] = await Promise.all([
    startGatewayProcess({ workers: 2, kongYml: kongYml(config) }),
    startGatewayProcess({ workers: 1, kongYml: kongYml(config) }),
  ]);
  try {
    const tenant = randomUUID();
    const statuses = await burst([first, second], tenant, 300);
    assert.equal(statuses.filter((status) => status === 200).length, 97, `got ${JSON.stringify(statuses)}`);
    assert.equal(statuses.filter((status) => status === 429).length, 203);
    assert.equal(await redisCount(tenant, 'hour'), '300', 'rejected requests count too (Kong\'s redis policy)');
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
});

test('redis cut mid-burst (fault_tolerant off): every request is answered — counted ones normally, the rest 500 — and none hangs', async () => {
  const relay = await startTcpRelay(6379);
  const config = `hour: 1000\nlimit_by: header\nheader_name: x-tenant\nfault_tolerant: false\npolicy: redis\nredis:\n  host: 127.0.0.1\n  port: ${relay.port}\n  timeout: 300`;
  const gateway = await startGatewayProcess({ workers: 1, kongYml: kongYml(config) });
  try {
    const tenant = randomUUID();
    assert.equal(await get(gateway, tenant), 200, 'Redis reachable');
    const started = Date.now();
    // The cut lands while the first wave's increments are being batched or are in flight.
    let cut: Promise<void> | null = null;
    const firstWave = Promise.all(Array.from({ length: 60 }, () => get(gateway, tenant).then((status) => {
      cut ??= relay.cut();
      return status;
    })));
    const statuses = await firstWave;
    await cut;
    const secondWave = await burst([gateway], tenant, 20);
    const elapsed = Date.now() - started;
    assert.ok(statuses.every((status) => status === 200 || status === 500), JSON.stringify(statuses));
    assert.deepEqual(secondWave, Array(20).fill(500), 'after the cut requests fail instead of passing unchecked');
    assert.ok(elapsed < 2_000, `the burst took ${elapsed} ms`);
  } finally {
    await gateway.stop();
    await relay.close();
  }
});

test('redis sync_rate through a gateway: exact within the node, the admitted count reaches Redis at the sync', async () => {
  const config = 'hour: 10\nlimit_by: header\nheader_name: x-tenant\npolicy: redis\nsync_rate: 0.2\nredis:\n  host: 127.0.0.1\n  port: 6379\n  timeout: 500';
  const gateway = await startGatewayProcess({ workers: 1, kongYml: kongYml(config) });
  try {
    const tenant = randomUUID();
    const statuses = await burst([gateway], tenant, 30);
    assert.equal(statuses.filter((status) => status === 200).length, 10, `got ${JSON.stringify(statuses)}`);
    let count: string | null = null;
    for (let attempt = 0; attempt < 20 && count !== '10'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      count = await redisCount(tenant, 'hour');
    }
    assert.equal(count, '10', 'only admitted requests are synced (Kong\'s sync_rate mode)');
  } finally {
    await gateway.stop();
  }
});
