// `portico migrations bootstrap | up | finish | list | reset`, after Kong's commands
// (kong/cmd/migrations.lua): bootstrap a fresh database, run pending non-destructive steps,
// finish pending teardowns, list the state, or drop everything.
import { coreMigrations } from './steps.ts';
import type { MigrationStep } from './steps.ts';
import type { MigrationDatabase } from './runner-types.ts';
import type { SqlSession } from './dialect.ts';

export const SCHEMA_META_TABLE = 'schema_meta';

export interface MigrationsStatus {
  /** Whether `bootstrap` ran (the schema_meta table exists). */
  bootstrapped: boolean;
  /** Steps whose `up` and `teardown` both ran. */
  executed: string[];
  /** Steps whose `up` ran and whose `teardown` awaits `finish`. */
  pending: string[];
  /** Steps not run at all: `up` runs them. */
  newMigrations: string[];
}

/** Kong's refusal to start on a database it cannot use (kong/cmd/utils/migrations.lua). */
export class DatabaseNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseNotReadyError';
  }
}

export const NEEDS_BOOTSTRAP_MESSAGE =
  "Database needs bootstrapping or is older than Kong 1.0.\n\nTo start a new installation from scratch, run 'portico migrations bootstrap'.";
export const NEW_MIGRATIONS_MESSAGE = "New migrations available; run 'portico migrations up' to proceed";

async function readMeta(session: SqlSession, db: MigrationDatabase): Promise<Map<string, string> | null> {
  const tables = await session.all(db.dialect.listTablesSql);
  if (!tables.some((row) => row.name === SCHEMA_META_TABLE)) return null;
  const rows = await session.all(`SELECT name, state FROM ${SCHEMA_META_TABLE}`);
  return new Map(rows.map((row) => [String(row.name), String(row.state)]));
}

function statusFrom(meta: Map<string, string> | null, steps: MigrationStep[]): MigrationsStatus {
  const names = steps.map((s) => s.name).sort();
  return {
    bootstrapped: meta !== null,
    executed: names.filter((n) => meta?.get(n) === 'executed'),
    pending: names.filter((n) => meta?.get(n) === 'pending'),
    newMigrations: names.filter((n) => !meta?.has(n)),
  };
}

export async function migrationsStatus(db: MigrationDatabase, steps: MigrationStep[] = coreMigrations): Promise<MigrationsStatus> {
  return db.transaction(async (session) => statusFrom(await readMeta(session, db), steps));
}

async function record(session: SqlSession, name: string, state: 'executed' | 'pending'): Promise<void> {
  await session.run(`DELETE FROM ${SCHEMA_META_TABLE} WHERE name = ?`, [name]);
  await session.run(`INSERT INTO ${SCHEMA_META_TABLE} (name, state, executed_at) VALUES (?, ?, ?)`, [name, state, Date.now() / 1000]);
}

/** A fresh database: every step, up and teardown. Resolves to false when already bootstrapped. */
export async function bootstrap(db: MigrationDatabase, steps: MigrationStep[] = coreMigrations): Promise<boolean> {
  return db.transaction(async (session) => {
    if (await readMeta(session, db)) return false;
    await session.run(`CREATE TABLE ${SCHEMA_META_TABLE} (name ${db.dialect.textType} PRIMARY KEY, state ${db.dialect.textType} NOT NULL, executed_at ${db.dialect.numberType})`);
    const context = { dialect: db.dialect, tables: db.tables };
    for (const step of [...steps].sort((a, b) => a.name.localeCompare(b.name))) {
      await step.up(session, context);
      await step.teardown?.(session, context);
      await record(session, step.name, 'executed');
    }
    return true;
  });
}

/** Runs the `up` part of new steps; those with a teardown stay pending until `finish`. */
export async function up(db: MigrationDatabase, steps: MigrationStep[] = coreMigrations): Promise<string[]> {
  return db.transaction(async (session) => {
    const status = statusFrom(await readMeta(session, db), steps);
    if (!status.bootstrapped) throw new DatabaseNotReadyError(NEEDS_BOOTSTRAP_MESSAGE);
    const context = { dialect: db.dialect, tables: db.tables };
    for (const name of status.newMigrations) {
      const step = steps.find((s) => s.name === name)!;
      await step.up(session, context);
      await record(session, name, step.teardown ? 'pending' : 'executed');
    }
    return status.newMigrations;
  });
}

/** Runs the teardown of every pending step. */
export async function finish(db: MigrationDatabase, steps: MigrationStep[] = coreMigrations): Promise<string[]> {
  return db.transaction(async (session) => {
    const status = statusFrom(await readMeta(session, db), steps);
    if (!status.bootstrapped) throw new DatabaseNotReadyError(NEEDS_BOOTSTRAP_MESSAGE);
    const context = { dialect: db.dialect, tables: db.tables };
    for (const name of status.pending) {
      await steps.find((s) => s.name === name)!.teardown?.(session, context);
      await record(session, name, 'executed');
    }
    return status.pending;
  });
}

/** Drops everything; the next start (SQLite) or `bootstrap` (Postgres) begins afresh. */
export async function reset(db: MigrationDatabase): Promise<void> {
  await db.dropAll();
}

/** Throws Kong's message when the database cannot serve a node yet. */
export function assertReady(status: MigrationsStatus): void {
  if (!status.bootstrapped) throw new DatabaseNotReadyError(NEEDS_BOOTSTRAP_MESSAGE);
  if (status.newMigrations.length > 0) throw new DatabaseNotReadyError(NEW_MIGRATIONS_MESSAGE);
  // Pending teardowns do not stop a node: during a rolling upgrade old and new nodes share the
  // database until `migrations finish` (Kong's blue/green procedure).
}
