// The plugin, AI and TLS scenario systems against real processes: nginx (upstream, Anthropic mock,
// TLS proxy) and Portico itself, so a config Portico rejects or a mock it cannot translate fails here
// rather than in the middle of a bench run. Skipped where nginx/openssl are not installed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBaselines } from '../bench/nginx.ts';
import { startTarget } from '../bench/portico.ts';
import { killAllTracked } from '../bench/processes.ts';
import { BENCH_API_KEY, PLUGIN_VARIANTS, pluginConfig } from '../bench/scenarios-extra.ts';
import { SCENARIOS } from '../bench/scenarios.ts';
import { aiSystems, answers, tlsSystems } from '../bench/systems.ts';
import type { SystemContext } from '../bench/systems.ts';
import type { Scenario } from '../bench/scenarios.ts';

const has = (binary: string): boolean => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
const missing = ['nginx', 'openssl'].filter((binary) => !has(binary));
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false;
const repoRoot = resolve(import.meta.dirname, '..');

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-systems-'));
chmodSync(dir, 0o755);
after(async () => {
  await killAllTracked();
  rmSync(dir, { recursive: true, force: true });
});

let upstreamPort: Promise<number> | null = null;
function upstream(): Promise<number> {
  upstreamPort ??= startBaselines(join(dir, 'baselines'), null, null).then((baselines) => baselines.upstream.port);
  return upstreamPort;
}

async function context(scenario: Scenario, name: string): Promise<SystemContext> {
  const scenarioDir = join(dir, name);
  mkdirSync(scenarioDir, { recursive: true });
  return {
    scenario, dir: scenarioDir, runDir: dir, upstreamPort: await upstream(), sourceRoot: repoRoot, proxyCpus: null, proxyCpu: null, loadCpus: null,
    targetCommand: null, targetName: 'portico', startTimeoutMs: 30_000, portkeyDir: join(dir, 'no-portkey-here'), log: () => undefined,
  };
}

test('key-auth + acl variant: Portico loads it, refuses a request without the key, proxies one with it', { skip }, async () => {
  const variant = PLUGIN_VARIANTS.find((entry) => entry.name === 'key-auth-acl');
  assert.ok(variant);
  const port0 = await upstream();
  const headers = { apikey: BENCH_API_KEY };
  const target = await startTarget({
    sourceRoot: repoRoot, dir: join(dir, 'key-auth-acl'), upstreamPort: port0, scenario: SCENARIOS.plugins, cpus: null, targetCommand: null,
    startTimeoutMs: 30_000, config: pluginConfig(port0, variant), ready: (port) => answers(`http://127.0.0.1:${port}/`, (body) => body.length === 100, { headers }),
  });
  try {
    assert.equal(await answers(`http://127.0.0.1:${target.port}/`, () => true), false, 'no key: 401');
    assert.equal(await answers(`http://127.0.0.1:${target.port}/`, (body) => body.length === 100, { headers: { apikey: 'wrong' } }), false);
    assert.equal(await answers(`http://127.0.0.1:${target.port}/`, (body) => body.length === 100, { headers }), true);
  } finally {
    await target.stop();
  }
});

test('ai systems: the mock answers direct and through nginx-proxy, Portico and node-bare translate it to a chat completion, a missing Portkey is reported', { skip }, async () => {
  const built = await aiSystems(await context(SCENARIOS.ai, 'ai'));
  try {
    assert.deepEqual(built.systems.map((system) => system.name), ['direct', 'nginx-proxy', 'portico', 'node-bare']);
    for (const system of built.systems) assert.equal(await system.check?.(), true, system.name);
    assert.deepEqual(built.failures.map((failure) => failure.target), ['portkey', 'portkey-headless']);
    for (const failure of built.failures) assert.match(failure.error, /Portkey gateway not installed/);
  } finally {
    await built.stop();
  }
});

test('tls systems: nginx and Portico both serve the passthrough over HTTPS with the run certificate', { skip }, async () => {
  const built = await tlsSystems(await context(SCENARIOS.https, 'https'));
  try {
    assert.deepEqual(built.failures, []);
    assert.deepEqual(built.systems.map((system) => system.name), ['nginx-proxy', 'portico']);
    for (const system of built.systems) {
      assert.match(system.url ?? '', /^https:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(await system.check?.(), true, system.name);
      // Plain HTTP to a TLS listener must not pass the probe.
      assert.equal(await answers(`http://127.0.0.1:${system.port}/`, (body) => body.length === 100), false, `${system.name} over plain HTTP`);
    }
  } finally {
    await built.stop();
  }
});
