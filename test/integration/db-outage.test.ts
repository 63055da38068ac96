// Postgres goes away under a running node and comes back: the proxy keeps serving its last good
// configuration, the Admin API answers 503 within a bounded time, /status says unreachable, and
// everything recovers by itself (security-and-reliability §4.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { startTcpRelay } from '../helpers/tcp-relay.ts';

const CLI = resolve(fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url)));

test('database outage: proxy keeps serving, admin 503 in bounded time, automatic recovery', async () => {
  const upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamPort = (upstream.address() as { port: number }).port;
  const relay = await startTcpRelay(5432);
  const schema = `outage_${randomBytes(6).toString('hex')}`;
  const env = {
    KONG_DATABASE: 'postgres', KONG_PG_HOST: '127.0.0.1', KONG_PG_PORT: String(relay.port), KONG_PG_USER: 'postgres',
    KONG_PG_DATABASE: 'test', KONG_PG_SCHEMA: schema, KONG_PG_TIMEOUT: '2000', KONG_DB_UPDATE_FREQUENCY: '1',
  };
  // Not spawnSync: the relay lives in this process's event loop and must keep forwarding.
  const boot = await new Promise<{ status: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [CLI, 'migrations', 'bootstrap'], { env: { ...process.env, ...env, KONG_PREFIX: '/tmp' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('exit', (status) => done({ status, stderr }));
  });
  if (boot.status !== 0) { await relay.close(); upstream.close(); }
  assert.equal(boot.status, 0, boot.stderr);
  const gateway = await startGatewayProcess({ env, workers: 1 }).catch(async (error: unknown) => {
    await relay.close();
    upstream.close();
    throw error;
  });
  const adminJson = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any; ms: number }> => {
    const started = Date.now();
    const response = await fetch(`${gateway.adminUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json().catch(() => null), ms: Date.now() - started };
  };
  const proxied = async (path: string) => {
    const response = await fetch(`${gateway.proxyUrl}${path}`);
    await response.arrayBuffer();
    return response.status;
  };
  try {
    assert.equal((await adminJson('POST', '/services', { name: 's', url: `http://127.0.0.1:${upstreamPort}` })).status, 201);
    assert.equal((await adminJson('POST', '/services/s/routes', { paths: ['/up'] })).status, 201);
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) { status = await proxied('/up'); if (status !== 200) await new Promise((r) => setTimeout(r, 50)); }
    assert.equal(status, 200);

    await relay.cut();
    const read = await adminJson('GET', '/services');
    assert.equal(read.status, 503);
    assert.deepEqual(read.body, { message: 'database unavailable; try again later' });
    assert.ok(read.ms < 8_000, `answered in ${read.ms} ms`);
    const write = await adminJson('POST', '/services', { name: 't', host: 'x.test' });
    assert.equal(write.status, 503);
    assert.equal((await adminJson('GET', '/status')).body.database.reachable, false);
    for (let i = 0; i < 5; i++) assert.equal(await proxied('/up'), 200, 'the proxy serves its last good configuration');

    await relay.restore();
    let recovered = 0;
    for (let i = 0; i < 60 && recovered !== 201; i++) {
      recovered = (await adminJson('POST', '/services/s/routes', { paths: ['/after'] })).status;
      if (recovered !== 201) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(recovered, 201, 'writes work again once the database is back');
    let after = 0;
    for (let i = 0; i < 40 && after !== 200; i++) { after = await proxied('/after'); if (after !== 200) await new Promise((r) => setTimeout(r, 100)); }
    assert.equal(after, 200, 'and go live');
    assert.equal((await adminJson('GET', '/status')).body.database.reachable, true);
  } finally {
    await gateway.stop();
    await relay.close();
    upstream.close();
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
});
