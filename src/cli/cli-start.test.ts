// End to end through the real gateway (src/main.ts): start in the foreground, health, a second
// start refused, reload, stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidFilePath } from '../config/index.ts';
import { CLI_ENTRY, cleanEnv, runCliProcess } from './cli-test-support.ts';

/** A port that was free a moment ago (the gateway binds it shortly after). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

test('start → health → second start refused → reload → stop', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-cli-start-'));
  const prefix = join(dir, 'servroot');
  const declarative = join(dir, 'kong.yml');
  writeFileSync(declarative, '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://127.0.0.1:9\n    routes:\n      - name: r\n        paths: [/s]\n');
  const env = {
    KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_ADMIN_GUI_LISTEN: 'off',
    KONG_NGINX_WORKER_PROCESSES: '1',
    KONG_DATABASE: 'off',
    KONG_DECLARATIVE_CONFIG: declarative,
  };
  const gateway = spawn(process.execPath, [CLI_ENTRY, 'start', '-p', prefix], { cwd: dir, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let gatewayErr = '';
  gateway.stderr.on('data', (chunk: Buffer) => { gatewayErr += chunk.toString('utf8'); });
  gateway.stdout.resume();
  const exited = once(gateway, 'exit');
  const cli = (args: string[]) => runCliProcess(args, { cwd: dir, env });
  try {
    let health = await cli(['health', '-p', prefix]);
    for (const deadline = Date.now() + 15_000; health.code !== 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      health = await cli(['health', '-p', prefix]);
    }
    assert.equal(health.code, 0, `${health.stderr}\n${gatewayErr}`);
    assert.equal(health.stdout, `portico.......running\nstatus........ready\n\nPortico is healthy at ${prefix}\n`);
    assert.ok(existsSync(join(prefix, '.kong_env')));

    const second = await cli(['start', '-p', prefix]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`^Error: Portico is already running in ${prefix} \\(pid \\d+\\)\n$`));

    const reload = await cli(['reload', '-p', prefix]);
    assert.equal(reload.stdout, 'Portico reloaded\n');

    const stop = await cli(['stop', '-p', prefix]);
    assert.equal(stop.stdout, 'Portico stopped\n');
    assert.equal(stop.code, 0);
    const [code] = await exited;
    assert.equal(code, 0);
    assert.ok(!existsSync(pidFilePath(prefix)), 'the pid file is removed on exit');
  } finally {
    if (gateway.exitCode === null) gateway.kill('SIGKILL');
  }
});
