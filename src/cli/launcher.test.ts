// bin/portico.js: imports the CLI directly on Node 24+, re-execs with the package's Node 24 on
// older Node (tested when an older `node` is on PATH, as on the machines this project targets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KONG_VERSION, PORTICO_VERSION } from '../core/version.ts';
import { cleanEnv } from './cli-test-support.ts';

const LAUNCHER = fileURLToPath(new URL('../../bin/portico.js', import.meta.url));
const VERSION_LINE = `Portico ${PORTICO_VERSION} (Kong ${KONG_VERSION} compatible)\n`;

/**
 * An older Node to launch with: npm scripts put Node 24 first on PATH, so look at the system
 * locations too (these machines ship Node 20 there).
 */
function olderNode(): string | null {
  for (const candidate of ['node', '/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const major = Number(execFileSync(candidate, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8', env: cleanEnv() }).trim());
      if (major < 24) return candidate;
    } catch {
      // not there
    }
  }
  return null;
}

test('the launcher runs the CLI on Node 24 and passes the exit code through', () => {
  const ok = spawnSync(process.execPath, [LAUNCHER, 'version'], { encoding: 'utf8', env: cleanEnv() });
  assert.equal(ok.status, 0);
  assert.equal(ok.stdout, VERSION_LINE);
  const bad = spawnSync(process.execPath, [LAUNCHER, 'nope'], { encoding: 'utf8', env: cleanEnv() });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, "Error: no such command: 'nope' (see 'portico --help')\n");
});

const older = olderNode();
test('on an older Node the launcher re-execs with Node 24', { skip: older === null && 'no Node older than 24 on this machine' }, () => {
  const result = spawnSync(older!, [LAUNCHER, 'version', '--all'], { encoding: 'utf8', env: cleanEnv() });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Node\.js: 24\./m);
  const bad = spawnSync(older!, [LAUNCHER, 'check', '/nonexistent/kong.conf'], { encoding: 'utf8', env: cleanEnv() });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'Error: no file at: /nonexistent/kong.conf\n');
});
