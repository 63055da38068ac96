// `portico migrations …` and `portico config db_import/db_export` as an operator runs them, on the
// embedded SQLite file and on the real Postgres server: bootstrap, round trip with identical
// output, a failing import that leaves nothing behind, and reset's confirmation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const CLI = resolve(fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url)));

const KONG_YML = `_format_version: "3.0"
services:
  - name: orders
    url: http://orders.test:8080/v1
    tags: [team-a]
    routes:
      - name: orders-api
        paths: ["/orders"]
upstreams:
  - name: up1
    targets:
      - target: 10.0.0.1:80
        weight: 50
consumers:
  - username: alice
    custom_id: c-1
`;

function cli(env: Record<string, string>, cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function exercise(label: string, makeEnv: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>): void {
  test(`${label}: migrations, import/export round trip, failed import, reset`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-clidb-'));
    const { env, cleanup } = await makeEnv();
    try {
      writeFileSync(join(dir, 'in.yml'), KONG_YML);
      assert.equal(cli(env, dir, 'migrations', 'list').status, 3, 'not bootstrapped yet');
      const boot = cli(env, dir, 'migrations', 'bootstrap');
      assert.equal(boot.status, 0, boot.stderr);
      assert.equal(cli(env, dir, 'migrations', 'bootstrap').stdout, 'Database already bootstrapped\n');
      const list = cli(env, dir, 'migrations', 'list');
      assert.equal(list.status, 0);
      assert.match(list.stdout, /Database is up-to-date/);

      const imported = cli(env, dir, 'config', 'db_import', 'in.yml');
      assert.equal(imported.status, 0, imported.stderr);
      assert.match(imported.stdout, /import successful: 5 entities/);
      assert.equal(cli(env, dir, 'config', 'db_export', 'out.yml').status, 0);
      const exported = readFileSync(join(dir, 'out.yml'), 'utf8');
      assert.match(exported, /_transform: false/);
      assert.match(exported, /name: orders-api/);
      assert.match(exported, /target: 10\.0\.0\.1:80/);

      // import → export → import → export gives the same text.
      assert.equal(cli(env, dir, 'config', 'db_import', 'out.yml').status, 0);
      assert.equal(cli(env, dir, 'config', 'db_export', 'again.yml').status, 0);
      assert.equal(readFileSync(join(dir, 'again.yml'), 'utf8'), exported);
      assert.equal(cli(env, dir, 'config', 'db_export', 'again.yml').status, 1, 'never overwrites');

      // A new service whose name clashes with a stored one (another id): the whole import fails.
      writeFileSync(join(dir, 'clash.yml'), `_format_version: "3.0"\nconsumers:\n  - username: zed\nservices:\n  - id: 11111111-1111-4111-8111-111111111111\n    name: orders\n    host: other.test\n`);
      const clash = cli(env, dir, 'config', 'db_import', 'clash.yml');
      assert.equal(clash.status, 1);
      assert.match(clash.stderr, /nothing was written.*UNIQUE violation/);
      assert.equal(cli(env, dir, 'config', 'db_export', 'after-clash.yml').status, 0);
      assert.equal(readFileSync(join(dir, 'after-clash.yml'), 'utf8'), exported, 'the consumer before the clash was rolled back');

      writeFileSync(join(dir, 'bad.yml'), '_format_version: "3.0"\nservices:\n  - name: x\n');
      const bad = cli(env, dir, 'config', 'db_import', 'bad.yml');
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /host: required field missing/);

      const refused = cli(env, dir, 'migrations', 'reset');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /--yes/);
      assert.equal(cli(env, dir, 'migrations', 'reset', '--yes').status, 0);
      assert.equal(cli(env, dir, 'migrations', 'list').status, 3);
    } finally {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

exercise('sqlite', async () => {
  const prefix = mkdtempSync(join(tmpdir(), 'portico-clidb-prefix-'));
  return { env: { KONG_DATABASE: 'sqlite', KONG_PREFIX: prefix }, cleanup: async () => rmSync(prefix, { recursive: true, force: true }) };
});

exercise('postgres', async () => {
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  const prefix = mkdtempSync(join(tmpdir(), 'portico-clidb-prefix-'));
  return {
    env: { KONG_DATABASE: 'postgres', KONG_PREFIX: prefix, KONG_PG_HOST: '127.0.0.1', KONG_PG_USER: 'postgres', KONG_PG_DATABASE: 'test', KONG_PG_SCHEMA: schema },
    cleanup: async () => {
      const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      rmSync(prefix, { recursive: true, force: true });
    },
  };
});

test('DB-less nodes refuse db_import and migrations with a clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-clidb-'));
  try {
    writeFileSync(join(dir, 'in.yml'), KONG_YML);
    const result = cli({ KONG_DATABASE: 'off', KONG_PREFIX: dir }, dir, 'config', 'db_import', 'in.yml');
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "Error: 'config db_import' is not allowed with database=off; use declarative_config (or POST /config) instead\n");
    assert.match(cli({ KONG_DATABASE: 'off', KONG_PREFIX: dir }, dir, 'migrations', 'up').stderr, /need a database/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
