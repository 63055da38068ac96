// A write the store has acknowledged survives kill -9 of the process that made it (the Admin API
// answers only after the commit: spec security-and-reliability §5 E), and several processes
// writing one SQLite file keep the unique constraints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import { createTestSchema } from '../../src/store/postgres/test-database.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';

const root = join(import.meta.dirname, '..', '..');
const sqliteModule = pathToFileURL(join(root, 'src/store/sqlite/index.ts')).href;
const postgresModule = pathToFileURL(join(root, 'src/store/postgres/index.ts')).href;
const dir = mkdtempSync(join(tmpdir(), 'portico-durability-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `body` (module code with `store` open) in a child process that prints each line it
 * writes to stdout; resolves with the lines seen once `count` have arrived, then kill -9s it.
 */
async function writeThenKill(setup: string, body: string, count: number): Promise<string[]> {
  const code = `${setup}\n${body}\nsetInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (lines.length === count) break;
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  return lines;
}

const WRITE_SERVICES = `
for (let i = 0; i < 20; i++) {
  const id = crypto.randomUUID();
  await store.insert('services', { id, name: 'svc-' + i, host: 'h.test', port: 80, protocol: 'http', tags: null, created_at: 1 });
  console.log(id);
}`;

describe('durability across kill -9', () => {
  it('keeps every acknowledged SQLite write', async () => {
    const path = join(dir, 'killed.db');
    const setup = `import { createSqliteStore } from ${JSON.stringify(sqliteModule)};
const store = await createSqliteStore({ path: ${JSON.stringify(path)} });`;
    const ids = await writeThenKill(setup, WRITE_SERVICES, 20);
    const store = await createSqliteStore({ path });
    assert.deepEqual((await store.all('services')).map((s) => s.id), [...ids].sort());
    assert.equal(store.version(), 20);
    await store.close();
  });

  it('keeps every acknowledged Postgres write', async () => {
    const schema = await createTestSchema('portico_durable');
    const setup = `import { createPostgresStore } from ${JSON.stringify(postgresModule)};
const store = await createPostgresStore(${JSON.stringify(schema.options)});`;
    const ids = await writeThenKill(setup, WRITE_SERVICES, 20);
    const store = await createPostgresStore(schema.options);
    assert.deepEqual((await store.all('services')).map((s) => s.id), [...ids].sort());
    await store.close();
    await schema.drop();
  });
});

describe('several processes on one SQLite file', () => {
  it('lets exactly one process win a unique name', async () => {
    const path = join(dir, 'shared.db');
    // Create the file first so both children open an existing, bootstrapped database.
    await (await createSqliteStore({ path })).close();
    const body = `
const results = [];
for (let i = 0; i < 30; i++) {
  try {
    await store.insert('consumers', { id: crypto.randomUUID(), username: 'user-' + i, custom_id: null, tags: null, created_at: 1 });
    results.push('won');
  } catch (error) {
    results.push(String(error.code));
  }
}
console.log(results.join(','));`;
    const setup = `import { createSqliteStore } from ${JSON.stringify(sqliteModule)};
const store = await createSqliteStore({ path: ${JSON.stringify(path)} });`;
    const [first, second] = await Promise.all([writeThenKill(setup, body, 1), writeThenKill(setup, body, 1)]);
    const a = first[0]!.split(',');
    const b = second[0]!.split(',');
    for (let i = 0; i < 30; i++) {
      assert.deepEqual([a[i], b[i]].sort(), ['5', 'won'], `user-${i}: one winner, one unique violation`);
    }
    const store = await createSqliteStore({ path });
    assert.equal((await store.all('consumers')).length, 30);
    await store.close();
  });
});
