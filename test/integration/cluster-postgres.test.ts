// Two nodes on one Postgres (Kong's traditional cluster): a write through one node's Admin API is
// routed by the other node within a second (LISTEN/NOTIFY, polling as the fallback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freshStatus, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';

const CLI = resolve(fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url)));

test('a write on node A is live on node B within a second', async () => {
  const upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamPort = (upstream.address() as { port: number }).port;
  const schema = `cluster_${randomBytes(6).toString('hex')}`;
  const env = {
    KONG_DATABASE: 'postgres', KONG_PG_HOST: '127.0.0.1', KONG_PG_USER: 'postgres', KONG_PG_DATABASE: 'test',
    KONG_PG_SCHEMA: schema, KONG_PG_TIMEOUT: '5000',
  };
  const boot = spawnSync(process.execPath, [CLI, 'migrations', 'bootstrap'], { env: { ...process.env, ...env, KONG_PREFIX: '/tmp' }, encoding: 'utf8' });
  assert.equal(boot.status, 0, boot.stderr);
  const nodes: GatewayProcess[] = [];
  try {
    nodes.push(await startGatewayProcess({ env, workers: 1 }));
    nodes.push(await startGatewayProcess({ env, workers: 1 }));
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    const post = (path: string, body: unknown) => fetch(`${a.adminUrl}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, text: await response.text() }));

    const lags: number[] = [];
    assert.equal((await post('/services', { name: 's', url: `http://127.0.0.1:${upstreamPort}` })).status, 201);
    for (let i = 0; i < 3; i++) {
      const created = await post('/services/s/routes', { paths: [`/r${i}`] });
      assert.equal(created.status, 201, created.text);
      const written = Date.now();
      while (Date.now() - written < 3_000 && (await freshStatus(b, `/r${i}`)) !== 200) await new Promise((r) => setTimeout(r, 10));
      lags.push(Date.now() - written);
    }
    assert.ok(lags.every((lag) => lag < 1_000), `node B saw each write after ${lags.join(', ')} ms`);
    // And node B's own Admin API reads the same rows.
    const routes = await (await fetch(`${b.adminUrl}/routes`)).json() as { data: unknown[] };
    assert.equal(routes.data.length, 3);
  } finally {
    for (const node of nodes) await node.stop();
    upstream.close();
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
});
