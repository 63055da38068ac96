// stop / quit / reload / health against real processes: a small stand-in for the gateway whose pid
// is in the prefix's pid file, and a real status listener on 127.0.0.1:0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, pidFilePath, writeResolvedEnv } from '../config/index.ts';
import { runCliProcess } from './cli-test-support.ts';

const root = mkdtempSync(join(tmpdir(), 'portico-cli-process-'));
let prefixCounter = 0;
function newPrefix(): string {
  const prefix = join(root, `prefix-${++prefixCounter}`);
  mkdirSync(prefix);
  return prefix;
}

interface StandIn {
  child: ChildProcess;
  events: string[];
  exited: Promise<unknown>;
}

/** A process that logs the signals it gets; `quitExits` decides whether SIGQUIT ends it. */
async function startStandIn(prefix: string, quitExits = true): Promise<StandIn> {
  const code = `
    process.on('SIGHUP', () => console.log('SIGHUP'));
    process.on('SIGQUIT', () => { console.log('SIGQUIT'); if (${quitExits}) process.exit(0); });
    process.on('SIGTERM', () => { console.log('SIGTERM'); process.exit(0); });
    setInterval(() => {}, 1000);
    console.log('ready');`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: string[] = [];
  const exited = once(child, 'exit');
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      events.push(...chunk.toString('utf8').trim().split('\n'));
      if (events.includes('ready')) resolve();
    });
  });
  writeFileSync(pidFilePath(prefix), `${child.pid}\n`);
  return { child, events, exited };
}

async function statusServer(status: number, message: string): Promise<Server> {
  const server = createServer((req, res) => {
    const ready = req.url === '/status/ready';
    res.writeHead(ready ? status : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: ready ? message : 'Not found' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const cli = (args: string[], env?: Record<string, string>) => runCliProcess(args, { cwd: root, env });

test('stop sends SIGTERM and waits for the exit', async () => {
  const prefix = newPrefix();
  const standIn = await startStandIn(prefix);
  const result = await cli(['stop', '-p', prefix]);
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, 'Portico stopped\n');
  assert.equal(result.code, 0);
  await standIn.exited;
  assert.ok(standIn.events.includes('SIGTERM'));
});

test('stop and health without a running instance (no pid file, stale pid file)', async () => {
  const prefix = newPrefix();
  const expected = { code: 1, stdout: '', stderr: `Error: Portico is not running at ${prefix}\n` };
  assert.deepEqual(await cli(['stop', '-p', prefix]), expected);
  const gone = spawn(process.execPath, ['-e', '']);
  await once(gone, 'exit');
  writeFileSync(pidFilePath(prefix), `${gone.pid}\n`);
  assert.deepEqual(await cli(['health', '-p', prefix]), expected);
  assert.deepEqual(await cli(['reload', '-p', prefix]), expected);
});

test('quit is graceful (SIGQUIT) and forces SIGTERM after --timeout', async () => {
  const graceful = newPrefix();
  const first = await startStandIn(graceful);
  const result = await cli(['quit', '-p', graceful]);
  assert.equal(result.stdout, 'Portico stopped (gracefully)\n');
  assert.equal(result.code, 0);
  await first.exited;
  assert.deepEqual(first.events.filter((e) => e.startsWith('SIG')), ['SIGQUIT']);

  const stubborn = newPrefix();
  const second = await startStandIn(stubborn, false);
  const forced = await cli(['quit', '-p', stubborn, '-t', '0.3']);
  assert.equal(forced.code, 0);
  assert.equal(forced.stdout, 'Portico stopped (forced)\n');
  assert.equal(forced.stderr, 'Portico did not quit within 0.3s; forcing shutdown\n');
  await second.exited;
  assert.deepEqual(second.events.filter((e) => e.startsWith('SIG')), ['SIGQUIT', 'SIGTERM']);
  assert.equal((await cli(['quit', '-t', 'soon'])).stderr, "Error: option '--timeout' expects a number of seconds, got 'soon'\n");
});

test('reload validates the configuration before sending SIGHUP', async () => {
  const prefix = newPrefix();
  const standIn = await startStandIn(prefix);
  try {
    const bad = join(root, 'bad-reload.conf');
    writeFileSync(bad, 'log_level = shouty\n');
    const refused = await cli(['reload', '-p', prefix, '-c', bad]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: invalid value for 'log_level'/);

    const result = await cli(['reload', '-p', prefix]);
    assert.equal(result.stdout, 'Portico reloaded\n');
    assert.equal(result.code, 0);
    const deadline = Date.now() + 5000;
    while (!standIn.events.includes('SIGHUP') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(standIn.events.filter((e) => e === 'SIGHUP').length, 1);
  } finally {
    standIn.child.kill('SIGKILL');
  }
});

test('health: running + ready, running + not ready, and no status listener', async () => {
  const prefix = newPrefix();
  const standIn = await startStandIn(prefix);
  const ready = await statusServer(200, 'ready');
  const draining = await statusServer(503, 'draining');
  try {
    const healthy = await cli(['health', '-p', prefix], { KONG_STATUS_LISTEN: `127.0.0.1:${portOf(ready)}` });
    assert.equal(healthy.code, 0);
    assert.equal(healthy.stdout, `portico.......running\nstatus........ready\n\nPortico is healthy at ${prefix}\n`);

    const notReady = await cli(['health', '-p', prefix], { PORTICO_STATUS_LISTEN: `127.0.0.1:${portOf(draining)}` });
    assert.equal(notReady.code, 1);
    assert.equal(notReady.stdout, 'portico.......running\nstatus........not ready (503 draining)\n');
    assert.equal(notReady.stderr, `Error: Portico at ${prefix} is not ready: 503 draining\n`);

    const noStatus = await cli(['health', '-p', prefix], { KONG_STATUS_LISTEN: 'off' });
    assert.equal(noStatus.code, 0);
    assert.equal(noStatus.stdout, `portico.......running\n\nPortico is healthy at ${prefix}\n`);
  } finally {
    standIn.child.kill('SIGKILL');
    ready.close();
    draining.close();
  }
});

test('health reads the status listener from the prefix .kong_env, not the current environment', async () => {
  const prefix = newPrefix();
  const standIn = await startStandIn(prefix);
  const draining = await statusServer(503, 'draining');
  try {
    writeResolvedEnv(loadSettings({ env: { KONG_PREFIX: prefix, KONG_STATUS_LISTEN: `127.0.0.1:${portOf(draining)}` } }));
    const result = await cli(['health', '-p', prefix], { KONG_STATUS_LISTEN: 'off' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /not ready \(503 draining\)/);
  } finally {
    standIn.child.kill('SIGKILL');
    draining.close();
  }
});
