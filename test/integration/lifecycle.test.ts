// The gateway as an operator runs it: start from a kong.yml, reload with SIGHUP under load,
// reject a bad reload, spread POST /config to every worker, restart a killed worker, and drain
// requests in flight on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startGatewayProcess, workerPids, type GatewayProcess } from '../helpers/gateway-process.ts';

let upstream: Server;
let upstreamPort = 0;

before(async () => {
  upstream = createServer((req, res) => {
    const delay = req.url?.startsWith('/slow') ? 700 : 0;
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, pid: process.pid }));
    }, delay);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as { port: number }).port;
});
after(() => new Promise<void>((r) => upstream.close(() => r())));

function kongYml(paths: string[]): string {
  return [
    '_format_version: "3.0"',
    'services:',
    '  - name: echo',
    `    url: http://127.0.0.1:${upstreamPort}`,
    '    routes:',
    ...paths.map((path, i) => `      - name: r${i}\n        paths: ["${path}"]\n        strip_path: false`),
    '',
  ].join('\n');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function get(gateway: GatewayProcess, path: string, dispatcher?: Agent): Promise<number> {
  const response = await request(`${gateway.proxyUrl}${path}`, { dispatcher });
  await response.body.arrayBuffer();
  return response.statusCode;
}

test('an invalid kong.yml at start prints every error and exits 1', async () => {
  const bad = '_format_version: "3.0"\nservices:\n  - name: a\n    port: 99999\n  - name: b\n    host: x.test\n    retries: -1\n';
  const gateway = await startGatewayProcess({ kongYml: bad, noWait: true });
  const code = await gateway.exited;
  assert.equal(code, 1);
  const output = gateway.stderr();
  assert.match(output, /host/);
  assert.match(output, /port/);
  assert.match(output, /retries/);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace for a configuration error');
  await gateway.stop();
});

test('SIGHUP swaps the configuration with zero failed requests; an invalid file keeps the old one', async () => {
  const gateway = await startGatewayProcess({ kongYml: kongYml(['/a']), workers: 2 });
  try {
    assert.equal(await get(gateway, '/a'), 200);
    assert.equal(await get(gateway, '/b'), 404);

    const agent = new Agent({ connections: 8 });
    let failures = 0;
    let done = 0;
    const until = Date.now() + 1_500;
    const load = Array.from({ length: 8 }, async () => {
      while (Date.now() < until) {
        const status = await get(gateway, '/a', agent).catch(() => 0);
        if (status !== 200) failures += 1;
        done += 1;
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(gateway.configFile, kongYml(['/a', '/b']));
    gateway.child.kill('SIGHUP');
    await Promise.all(load);
    await agent.close();
    assert.equal(failures, 0, `${failures} of ${done} requests failed during reload`);
    assert.ok(done > 50, `load loop ran (${done} requests)`);

    const start = Date.now();
    let status = 0;
    while (Date.now() - start < 3_000 && (status = await get(gateway, '/b')) !== 200) await new Promise((r) => setTimeout(r, 50));
    assert.equal(status, 200, 'the reloaded route is served');

    writeFileSync(gateway.configFile, '_format_version: "3.0"\nservices:\n  - name: broken\n');
    gateway.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(await get(gateway, '/b'), 200, 'the old configuration keeps serving');
    assert.match(gateway.stderr(), /invalid declarative configuration/);
  } finally {
    await gateway.stop();
  }
});

test('POST /config reaches every worker before it answers', async () => {
  const gateway = await startGatewayProcess({ kongYml: kongYml(['/a']), workers: 2 });
  try {
    const response = await fetch(`${gateway.adminUrl}/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: kongYml(['/a', '/posted']),
    });
    assert.equal(response.status, 201, await response.text());
    // Fresh connections land on both workers (SO_REUSEPORT); every one must see the new route.
    for (let i = 0; i < 20; i++) {
      const agent = new Agent();
      assert.equal(await get(gateway, '/posted', agent), 200);
      await agent.close();
    }
  } finally {
    await gateway.stop();
  }
});

test('a killed worker is replaced and the other keeps serving', async () => {
  const gateway = await startGatewayProcess({ kongYml: kongYml(['/a']), workers: 2 });
  try {
    const before = await workerPids(gateway.child.pid!);
    assert.equal(before.length, 2);
    process.kill(before[0]!, 'SIGKILL');
    // Connections the kernel had already queued on the dying worker's socket are reset (as with
    // nginx); once it is gone, every new connection must land on a live worker.
    while (isAlive(before[0]!)) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 10; i++) {
      const agent = new Agent();
      assert.equal(await get(gateway, '/a', agent), 200);
      await agent.close();
    }
    const deadline = Date.now() + 5_000;
    let after: number[] = [];
    while (Date.now() < deadline) {
      after = await workerPids(gateway.child.pid!);
      if (after.length === 2 && !after.includes(before[0]!)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(after.length, 2);
    assert.ok(!after.includes(before[0]!), 'the dead worker was replaced');
  } finally {
    await gateway.stop();
  }
});

test('SIGTERM lets a request in flight finish, then exits 0 and removes the pid file', async () => {
  const gateway = await startGatewayProcess({ kongYml: kongYml(['/slow', '/a']) });
  const pidFile = join(gateway.prefix, 'portico.pid');
  assert.ok(existsSync(pidFile));
  const inFlight = request(`${gateway.proxyUrl}/slow`).then(async (response) => {
    const body = (await response.body.json()) as { path: string };
    return { status: response.statusCode, body };
  });
  await new Promise((r) => setTimeout(r, 200));
  gateway.child.kill('SIGTERM');
  const result = await inFlight;
  assert.equal(result.status, 200);
  assert.equal(result.body.path, '/slow');
  assert.equal(await gateway.exited, 0);
  assert.equal(existsSync(pidFile), false);
  await gateway.stop();
});
