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
  drop(): Promise<void>;
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
    async drop() {
      const client = new pg.Client(TEST_SERVER);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
