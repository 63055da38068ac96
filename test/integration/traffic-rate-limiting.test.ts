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

test('redis policy: two gateway processes sharing Redis admit exactly the limit', async () => {
  const config = 'hour: 20\nlimit_by: header\nheader_name: x-tenant\npolicy: redis\nredis:\n  host: 127.0.0.1\n  port: 6379\n  timeout: 500';
  const [first, second] = await Promise.all([
    startGatewayProcess({ workers: 2, kongYml: kongYml(config) }),
    startGatewayProcess({ workers: 1, kongYml: kongYml(config) }),
  ]);
  try {
    const tenant = randomUUID();
    const statuses = await burst([first, second], tenant, 60);
    assert.equal(statuses.filter((status) => status === 200).length, 20, `got ${JSON.stringify(statuses)}`);
    assert.equal(statuses.filter((status) => status === 429).length, 40);
  } finally {
    await Promise.all([first.stop(), second.stop()]);
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
