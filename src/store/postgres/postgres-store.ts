// The cluster store (`database = postgres`): Kong's pg_* settings, a pool with a timeout on every
// call (connect, client-side query timeout and the server's statement_timeout), the shared SQL
// layout and constraint mapping, NOTIFY/LISTEN change propagation. A database that was never
// bootstrapped is refused with Kong's message naming `portico migrations bootstrap`.
import pg from 'pg';
import type { ClientConfig, PoolClient } from 'pg';
import { DatabaseUnavailableError } from '../errors.ts';
import type { RelationSource } from '../memory/relations.ts';
import { quoteIdentifier } from '../migrations/dialect.ts';
import type { SqlSession } from '../migrations/dialect.ts';
import { assertReady, DatabaseNotReadyError, migrationsStatus } from '../migrations/runner.ts';
import type { MigrationDatabase } from '../migrations/runner-types.ts';
import { VERSION_TABLE } from '../migrations/steps.ts';
import { createSqlStore } from '../sqlite/sql-store.ts';
import type { SqlBackend } from '../sqlite/sql-store.ts';
import { SqlTables } from '../sqlite/sql-tables.ts';
import type { Store } from '../types.ts';
import { CHANGES_CHANNEL, ChangeWatcher } from './postgres-changes.ts';
import { isUnavailable, PostgresSession, postgresDialect, translatePostgresError } from './postgres-dialect.ts';

export interface PostgresStoreOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** pg_schema; default: the server's search_path (usually `public`). */
  schema?: string;
  /** pg_timeout (default 5000 ms): connect, query and statement timeout. */
  timeoutMs: number;
  /** Pool size (pg_max_concurrent_queries when set, else 10). */
  poolSize?: number;
  ssl?: boolean | { rejectUnauthorized: boolean };
  /** db_update_frequency in ms: the version-row poll behind LISTEN (default 5000). */
  pollIntervalMs?: number;
  relations?: Record<string, RelationSource>;
  /** Clock in epoch seconds (ttl expiry); tests pass a fake one. */
  now?: () => number;
}

function clientConfig(options: PostgresStoreOptions): ClientConfig {
  const settings = [`-c statement_timeout=${Math.max(1, Math.floor(options.timeoutMs))}`];
  if (options.schema) settings.push(`-c search_path=${quoteIdentifier(options.schema)}`);
  return {
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl: options.ssl,
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs,
    options: settings.join(' '),
  };
}

class PostgresDatabase implements MigrationDatabase {
  readonly dialect = postgresDialect;
  readonly tables: SqlTables;
  readonly pool: pg.Pool;
  readonly options: PostgresStoreOptions;

  constructor(options: PostgresStoreOptions) {
    this.options = options;
    this.tables = new SqlTables(postgresDialect, options.relations, options.now);
    this.pool = new pg.Pool({ ...clientConfig(options), max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const { client, errors, onError } = await this.begin();
    try {
      const result = await work(new PostgresSession(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        errors.push(rollbackError);
      });
      throw error;
    } finally {
      client.removeListener('error', onError);
      // A client whose connection failed is in an unknown state: destroy it rather than reuse it.
      client.release(errors[0]);
    }
  }

  /**
   * A client with BEGIN done. A pooled connection that died while idle is only noticed when
   * used: nothing ran on it yet, so one retry on a fresh connection is safe.
   */
  private async begin(): Promise<{ client: PoolClient; errors: Error[]; onError: (error: Error) => void }> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw translatePostgresError(error);
      }
      // A checked-out client has no pool error listener: a lost connection would otherwise be
      // an uncaught 'error' event.
      const errors: Error[] = [];
      const onError = (error: Error): void => {
        errors.push(error);
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        return { client, errors, onError };
      } catch (error) {
        client.removeListener('error', onError);
        client.release(error as Error);
        if (attempt >= 2 || !isUnavailable(error)) throw error;
      }
    }
  }

  async ensureSchema(): Promise<void> {
    if (this.options.schema) await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.options.schema)}`);
  }

  async dropAll(): Promise<void> {
    await this.transaction(async (session) => {
      for (const row of await session.all(postgresDialect.listTablesSql)) {
        await session.run(`DROP TABLE IF EXISTS ${quoteIdentifier(String(row.name))} CASCADE`);
      }
    });
    this.tables.forgetAll();
  }

  async readVersion(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT version FROM ${VERSION_TABLE} WHERE id = 1`);
    return Number(rows[0]?.version ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/** A migrations handle for `portico migrations …` (creates the pg_schema when missing). */
export async function openPostgresMigrations(options: PostgresStoreOptions): Promise<MigrationDatabase & { close(): Promise<void> }> {
  const database = new PostgresDatabase(options);
  try {
    await database.ensureSchema();
  } catch (error) {
    await database.close();
    throw translatePostgresError(error);
  }
  return database;
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const database = new PostgresDatabase(options);
  let version: number;
  try {
    assertReady(await migrationsStatus(database));
    version = await database.readVersion();
  } catch (error) {
    await database.close();
    throw error instanceof DatabaseUnavailableError || error instanceof DatabaseNotReadyError ? error : translatePostgresError(error);
  }
  let watcher: ChangeWatcher | null = null;
  const readSession = new PostgresSession(database.pool);
  const backend: SqlBackend = {
    kind: 'postgres',
    tables: database.tables,
    readSession: () => readSession,
    writeTransaction: (work) => database.transaction(work),
    bumpVersion: async (session) => {
      // One round trip: bump, and NOTIFY the cluster (delivered at COMMIT, and only if it commits).
      const rows = await session.all(
        `WITH bumped AS (UPDATE ${VERSION_TABLE} SET version = version + 1 WHERE id = 1 RETURNING version) ` +
        `SELECT version, pg_notify('${CHANGES_CHANNEL}', version::text) FROM bumped`,
      );
      return Number(rows[0]!.version);
    },
    translateError: translatePostgresError,
    close: async () => {
      await watcher?.close();
      await database.close();
    },
  };
  const { store, observe } = createSqlStore(backend, version);
  watcher = new ChangeWatcher({
    clientConfig: clientConfig(options),
    readVersion: () => database.readVersion(),
    observe,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
  });
  await watcher.start();
  return store;
}
