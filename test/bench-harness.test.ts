// The harness's process side against real nginx and wrk (skipped where they are not installed).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LARGE_BODY_BYTES, LARGE_BODY_PATH, startBaselines, startNginx } from '../bench/nginx.ts';
import { answersCorrectly, probe } from '../bench/portico.ts';
import { freePort, isAlive, killAllTracked, killTree, processTree, spawnTracked } from '../bench/processes.ts';
import { cpuJiffies, startUsageSampler, waitForQuietCpu } from '../bench/usage.ts';
import { manyRoutesLuaScript, SCENARIOS } from '../bench/scenarios.ts';
import { runWrk } from '../bench/wrk.ts';

const has = (binary: string): boolean => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
const missing = ['nginx', 'wrk'].filter((binary) => !has(binary));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false;

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-test-'));
chmodSync(dir, 0o755);
after(async () => {
  await killAllTracked();
  rmSync(dir, { recursive: true, force: true });
});

test('killTree ends a process and the children it started, and processTree sees them', async () => {
  const shell = spawnTracked('sleeper', 'sh', ['-c', 'sleep 30 & sleep 30 & wait'], { cpus: null });
  let tree: number[] = [];
  for (let attempt = 0; attempt < 50 && tree.length < 3; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    tree = processTree(shell.pid);
  }
  assert.equal(tree.length, 3, 'the shell and its two sleeps');
  const sampler = startUsageSampler(shell.pid, null, 10);
  const usage = sampler.stop();
  assert.ok(usage.peakRssBytes > 0, 'RSS of a live tree is positive');
  assert.ok(usage.cpuSeconds >= 0 && usage.cpuSeconds < 1, `sleeping tree used ${usage.cpuSeconds} s of CPU`);
  await killTree(shell.pid, 1000);
  await shell.exited;
  assert.deepEqual(tree.filter(isAlive), []);
});

test('nginx baselines serve the scenario bodies and wrk measures through the proxy', { skip }, async () => {
  const { upstream, proxy } = await startBaselines(dir, null, null);
  const [upstreamPort, proxyPort] = [upstream.port, proxy.port];

  assert.deepEqual(await probe(upstreamPort, '/', null), { status: 200, bytes: 100 });
  assert.deepEqual(await probe(proxyPort, LARGE_BODY_PATH, null), { status: 200, bytes: LARGE_BODY_BYTES });
  for (const scenario of Object.values(SCENARIOS).filter((entry) => entry.systems === 'baselines')) {
    assert.equal(await answersCorrectly(proxyPort, scenario), true, scenario.name);
  }

  const sampler = startUsageSampler(proxy.process.pid, 0);
  const result = await runWrk({ url: `http://127.0.0.1:${proxyPort}/`, durationSeconds: 1, connections: 4, threads: 1, cpus: null });
  const usage = sampler.stop();
  assert.ok(usage.cpuSeconds > 0, 'the proxy used CPU to serve the load');
  assert.ok(usage.peakRssBytes > 1024 * 1024, `nginx master + worker RSS ${usage.peakRssBytes}`);
  assert.ok(usage.foreignCpuShare !== null && usage.foreignCpuShare >= 0 && usage.foreignCpuShare <= 1);
  assert.ok(result.requestsPerSecond > 100, `wrk measured ${result.requestsPerSecond} req/s`);
  assert.equal(result.non2xx, 0);
  assert.ok(result.p99Ms >= result.p50Ms);

  // The routes-10k Lua picker must be valid for wrk and produce requests nginx answers with 200.
  const script = join(dir, 'routes.lua');
  writeFileSync(script, manyRoutesLuaScript());
  const scripted = await runWrk({ url: `http://127.0.0.1:${proxyPort}/`, durationSeconds: 1, connections: 4, threads: 1, script, cpus: null });
  assert.ok(scripted.totalRequests > 100, `${scripted.totalRequests} scripted requests`);
  assert.equal(scripted.non2xx, 0);

  const masters = [upstream.process.pid, proxy.process.pid];
  const trees = masters.flatMap((pid) => processTree(pid));
  assert.ok(trees.length >= 4, 'each nginx has a master and a worker');
  await killAllTracked();
  await Promise.all([upstream.process.exited, proxy.process.exited]);
  assert.deepEqual(trees.filter(isAlive), []);
});

test('a start that fails is reported with nginx’s own message, not a hang', { skip }, async () => {
  const port = await freePort();
  await assert.rejects(
    startNginx('broken', join(dir, 'broken'), 'this is not nginx configuration;', port, null),
    /broken on port \d+: exited early/,
  );
});

test('cpuJiffies reads one CPU from /proc/stat and is null for a CPU that does not exist', () => {
  const first = cpuJiffies(0);
  assert.ok(first !== null && first.busy > 0 && first.busy <= first.total);
  assert.equal(cpuJiffies(100_000), null);
});

test('waitForQuietCpu returns at once when any load is acceptable and gives up at its cap otherwise', async () => {
  const relaxed = await waitForQuietCpu(0, 1, 5000, 50);
  assert.equal(relaxed.quiet, true);
  assert.ok(relaxed.waitedMs < 1000);
  // No CPU is ever less than 0 % busy, so a negative limit can only end at the cap.
  const strict = await waitForQuietCpu(0, -1, 200, 50);
  assert.equal(strict.quiet, false);
  assert.ok(strict.waitedMs >= 200 && strict.waitedMs < 2000);
});

test('a binary that does not exist is an error, not a crash', async () => {
  assert.throws(() => spawnTracked('missing', '/nonexistent/portico-bench-binary', [], { cpus: null }), /could not start missing/);
  // The spawn 'error' event arrives later; without a listener it would take the process down here.
  await new Promise((resolve) => setTimeout(resolve, 50));
});
