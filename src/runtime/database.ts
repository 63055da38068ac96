// Which store a node runs on, from settings: memory (DB-less), the embedded SQLite file under the
// prefix, or Postgres with Kong's pg_* settings. Also reads a whole configuration out of a store
// for snapshot building.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/types.ts';
import { listEntityDefinitions } from '../entities/index.ts';
import type { EntitySet } from '../entities/types.ts';
import type { MigrationDatabase } from '../store/migrations/index.ts';
import type { PostgresStoreOptions } from '../store/postgres/index.ts';
import type { SqliteStoreOptions } from '../store/sqlite/index.ts';
import type { Store } from '../store/types.ts';
import { emptyEntitySet } from '../store/declarative/index.ts';

export const SQLITE_FILE = 'portico.db';

export function sqliteOptions(settings: Settings): SqliteStoreOptions {
  // The prefix may not exist yet when a CLI command (migrations, db_import) runs before any start.
  mkdirSync(settings.prefix, { recursive: true });
  return { path: join(settings.prefix, SQLITE_FILE) };
}

export function postgresOptions(settings: Settings): PostgresStoreOptions {
  return {
    host: settings.pg_host,
    port: settings.pg_port,
    database: settings.pg_database,
    user: settings.pg_user,
    password: settings.pg_password ?? undefined,
    schema: settings.pg_schema ?? undefined,
    timeoutMs: settings.pg_timeout,
    poolSize: settings.pg_max_concurrent_queries > 0 ? settings.pg_max_concurrent_queries : undefined,
    ssl: settings.pg_ssl ? { rejectUnauthorized: settings.pg_ssl_verify } : false,
    pollIntervalMs: settings.db_update_frequency * 1000,
  };
}

// The adapters are imported when first needed: a DB-less or SQLite node never loads `pg`, which
// would cost each worker several MB of memory for nothing.

/** Opens the node's persistent store; callers handle `database = off` themselves. */
export async function openStore(settings: Settings): Promise<Store> {
  if (settings.database === 'sqlite') return (await import('../store/sqlite/index.ts')).createSqliteStore(sqliteOptions(settings));
  if (settings.database === 'postgres') return (await import('../store/postgres/index.ts')).createPostgresStore(postgresOptions(settings));
  throw new Error(`no persistent store for database = ${settings.database}`);
}

export async function openMigrations(settings: Settings): Promise<MigrationDatabase & { close(): Promise<void> }> {
  if (settings.database === 'sqlite') return (await import('../store/sqlite/index.ts')).openSqliteMigrations(sqliteOptions(settings));
  if (settings.database === 'postgres') return (await import('../store/postgres/index.ts')).openPostgresMigrations(postgresOptions(settings));
  throw new Error("migrations need a database: set database = sqlite or postgres (DB-less nodes have none)");
}

/** Every row of every core table (plus registered plugin tables), for one snapshot. */
export async function loadEntitySet(store: Store): Promise<EntitySet> {
  const entities = emptyEntitySet();
  for (const definition of listEntityDefinitions()) {
    (entities as Record<string, unknown[]>)[definition.name] = await store.all(definition.name);
  }
  return entities;
}
