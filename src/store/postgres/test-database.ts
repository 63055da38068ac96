// Test helper: a throw-away Postgres schema on the local test server (127.0.0.1:5432, database
// `test`), so test files running in parallel never see each other's tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { bootstrap } from '../migrations/runner.ts';
import { openPostgresMigrations } from './postgres-store.ts';
import type { PostgresStoreOptions } from './postgres-store.ts';

export const TEST_SERVER = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', timeoutMs: 5000 } as const;

export interface TestSchema {
  options: PostgresStoreOptions;
  /** Empties every table (much faster than a new schema per test case). */
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(TEST_SERVER);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new bootstrapped schema with a random name; `drop()` removes it. */
export async function createTestSchema(prefix: string, extra: Partial<PostgresStoreOptions> = {}): Promise<TestSchema> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const options: PostgresStoreOptions = { ...TEST_SERVER, schema, pollIntervalMs: 1000, ...extra };
  const migrations = await openPostgresMigrations(options);
  try {
    await bootstrap(migrations);
  } finally {
    await migrations.close();
  }
  return {
    options,
    truncate: () => withClient(async (client) => {
      const { rows } = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('schema_meta', 'portico_version')",
        [schema],
      );
      // DELETE with deferred foreign keys: TRUNCATE rewrites every table and is far slower here.
      const deletes = rows.map((r) => `DELETE FROM "${schema}"."${r.table_name}";`).join(' ');
      await client.query(`BEGIN; SET CONSTRAINTS ALL DEFERRED; ${deletes} COMMIT;`);
    }),
    drop: () => withClient(async (client) => {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }),
  };
}
