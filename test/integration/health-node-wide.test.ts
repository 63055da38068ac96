// Health is node-wide (ARCHITECTURE: one owner per node): with two workers, a target that
// traffic through one worker finds down — or that an operator marks unhealthy through one
// worker's Admin API — gets no traffic from either worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'undici';
import { startGatewayProcess, freePort, type GatewayProcess } from '../helpers/gateway-process.ts';

function target(name: string, port: number): Promise<Server> {
  const server = createServer((_req, res) => res.end(name));
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Answers of `count` requests, each on a fresh connection (so both workers serve some). */
async function answers(gateway: GatewayProcess, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    const agent = new Agent();
    const response = await request(`${gateway.proxyUrl}/`, { dispatcher: agent });
    seen.push(response.statusCode === 200 ? await response.body.text() : String(response.statusCode));
    await agent.close();
  }
  return seen;
}

async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('condition not met in time');
}

test('passive results and manual overrides apply on every worker', async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  const a = await target('A', portA);
  let b = await target('B', portB);
  const kongYml = `_format_version: "3.0"
upstreams:
  - name: pool
    healthchecks:
      passive:
        unhealthy: { tcp_failures: 1 }
    targets:
      - target: 127.0.0.1:${portA}
      - target: 127.0.0.1:${portB}
services:
  - name: s
    host: pool
    retries: 0
    routes:
      - paths: ["/"]
`;
  const gateway = await startGatewayProcess({ kongYml, workers: 2 });
  try {
    await eventually(async () => new Set(await answers(gateway, 10)).size === 2);

    b.close();
    b.closeAllConnections();
    await eventually(async () => (await answers(gateway, 12)).every((answer) => answer === 'A'));

    // Passive checks only (as in Kong): a recovered B stays out until an operator marks it healthy.
    b = await target('B', portB);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok((await answers(gateway, 12)).every((answer) => answer === 'A'), 'B stays out without an active probe');

    // Overrides through whichever worker's Admin API answers reach both workers.
    const admin = (state: string) => fetch(`${gateway.adminUrl}/upstreams/pool/targets/127.0.0.1:${portB}/${state}`, { method: 'PUT' });
    const healthy = await admin('healthy');
    assert.equal(healthy.status, 204, await healthy.text());
    await eventually(async () => (await answers(gateway, 16)).filter((answer) => answer === 'B').length >= 4, 1_000);
    const unhealthy = await admin('unhealthy');
    assert.equal(unhealthy.status, 204);
    // Like Kong's worker events, the other workers learn of it right after (not before) the 204.
    await eventually(async () => (await answers(gateway, 16)).every((answer) => answer === 'A'), 1_000);
  } finally {
    await gateway.stop();
    a.close();
    b.close();
  }
});
