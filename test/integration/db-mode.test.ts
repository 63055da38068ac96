// The gateway on its embedded database (the default): Admin API writes reach every worker's
// router within a second, survive a kill -9 of the whole node, and a broken write stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStatus, startGatewayProcess, workerPids, type GatewayProcess } from '../helpers/gateway-process.ts';

let upstream: Server;
let upstreamPort = 0;

before(async () => {
  upstream = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as { port: number }).port;
});
after(() => new Promise<void>((r) => upstream.close(() => r())));

async function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

test('writes go live on every worker within a second and survive kill -9', async () => {
  const prefix = mkdtempSync(join(tmpdir(), 'portico-db-'));
  const env = { KONG_DATABASE: 'sqlite' };
  let gateway = await startGatewayProcess({ env, workers: 2, prefix });
  try {
    assert.equal((await admin(gateway, 'POST', '/services', { name: 'echo', url: `http://127.0.0.1:${upstreamPort}` })).status, 201);
    const written = Date.now();
    assert.equal((await admin(gateway, 'POST', '/services/echo/routes', { name: 'r', paths: ['/live'] })).status, 201);
    let seen = 0;
    while (Date.now() - written < 3_000) {
      const statuses = await Promise.all(Array.from({ length: 6 }, () => freshStatus(gateway, '/live')));
      if (statuses.every((status) => status === 200)) { seen = Date.now() - written; break; }
    }
    assert.ok(seen > 0 && seen < 1_000, `route visible on every worker after ${seen} ms`);

    // A write the database refuses changes nothing.
    const duplicate = await admin(gateway, 'POST', '/services', { name: 'echo', host: 'other.test' });
    assert.equal(duplicate.status, 409);
    assert.equal((await admin(gateway, 'GET', '/services')).body.data.length, 1);

    // kill -9 the primary and its workers: nothing acknowledged may be lost.
    const pids = await workerPids(gateway.child.pid!);
    gateway.child.kill('SIGKILL');
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
    await gateway.exited;
    gateway = await startGatewayProcess({ env, workers: 1, prefix });
    const routes = await admin(gateway, 'GET', '/routes');
    assert.deepEqual(routes.body.data.map((route: { name: string }) => route.name), ['r']);
    assert.equal(await freshStatus(gateway, '/live'), 200);
  } finally {
    await gateway.stop();
    rmSync(prefix, { recursive: true, force: true });
  }
});

test('a fresh prefix bootstraps the embedded database by itself', async () => {
  const gateway = await startGatewayProcess({ env: { KONG_DATABASE: 'sqlite' } });
  try {
    const status = await admin(gateway, 'GET', '/status');
    assert.deepEqual(status.body.database, { reachable: true });
    assert.equal((await admin(gateway, 'GET', '/services')).body.data.length, 0);
  } finally {
    await gateway.stop();
  }
});

test('an unreachable Postgres stops the start with one clear line', async () => {
  const gateway = await startGatewayProcess({
    env: { KONG_DATABASE: 'postgres', KONG_PG_HOST: '127.0.0.1', KONG_PG_PORT: '1', KONG_PG_TIMEOUT: '1000' },
    noWait: true,
  });
  assert.equal(await gateway.exited, 1);
  assert.match(gateway.stderr(), /Error: .*(connect|ECONNREFUSED|unavailable)/i);
  await gateway.stop();
});
