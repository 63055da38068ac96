// The embedded default store (`database = sqlite`): one file under the prefix, WAL mode so
// readers never wait for the writer, `synchronous = FULL` so a commit is on disk before the
// Admin API answers, foreign keys enforced by SQLite itself. Two connections per store: the
// writer (all transactions) and a reader (last committed state, so a transaction in progress is
// invisible outside it). Several processes may share the file; they notice each other's writes
// through `PRAGMA data_version` and the persisted version row.
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, KongError } from '../../core/errors.ts';
import { DatabaseUnavailableError } from '../errors.ts';
import type { RelationSource } from '../memory/relations.ts';
import type { SqlSession } from '../migrations/dialect.ts';
import { bootstrap, migrationsStatus, up } from '../migrations/runner.ts';
import type { MigrationDatabase } from '../migrations/runner-types.ts';
import { VERSION_TABLE } from '../migrations/steps.ts';
import type { Store } from '../types.ts';
import { createSqlStore } from './sql-store.ts';
import type { SqlBackend } from './sql-store.ts';
import { SqlTables } from './sql-tables.ts';
import { isBusy, SqliteSession, sqliteDialect } from './sqlite-dialect.ts';

export interface SqliteStoreOptions {
  /** Database file; production uses `<prefix>/portico.db`. */
  path: string;
  /** How long a write waits for another process holding the write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** How often other processes' commits are looked for (default 200 ms). */
  pollIntervalMs?: number;
  /** Constraint metadata per table; defaults to the entity registry. */
  relations?: Record<string, RelationSource>;
  /** Clock in epoch seconds (ttl expiry); tests pass a fake one. */
  now?: () => number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_POLL_INTERVAL_MS = 200;
/** Result codes that mean the file cannot be written or read at all (sqlite3.h). */
const UNAVAILABLE_CODES = new Set([5, 6, 8, 10, 13, 14, 26]);

function unavailable(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && UNAVAILABLE_CODES.has(code & 0xff);
}

function translateSqliteError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (unavailable(error)) return new DatabaseUnavailableError(`database unavailable: ${message}`, error);
  return new KongError(ErrorCode.DATABASE_ERROR, message);
}

/** Waits for the write lock without blocking the event loop (the driver itself is synchronous). */
async function retryWhileBusy<T>(attempt: () => T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await sleep(delay);
    }
  }
}

class SqliteDatabase implements MigrationDatabase {
  readonly dialect = sqliteDialect;
  readonly tables: SqlTables;
  readonly writer: SqliteSession;
  readonly busyTimeoutMs: number;

  constructor(options: SqliteStoreOptions) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.tables = new SqlTables(sqliteDialect, options.relations, options.now);
    // A short driver timeout: longer waits happen in retryWhileBusy, off the event loop.
    this.writer = new SqliteSession(new DatabaseSync(options.path, { timeout: 20, enableForeignKeyConstraints: true }));
  }

  async configure(): Promise<void> {
    await retryWhileBusy(() => this.writer.db.exec('PRAGMA journal_mode = WAL'), this.busyTimeoutMs);
    this.writer.db.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON');
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await retryWhileBusy(() => this.writer.db.exec('BEGIN IMMEDIATE'), this.busyTimeoutMs);
    try {
      const result = await work(this.writer);
      this.writer.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.writer.db.isTransaction) this.writer.db.exec('ROLLBACK');
      throw error;
    }
  }

  async dropAll(): Promise<void> {
    // Dropping a referenced table first would check foreign keys row by row: switch them off.
    this.writer.db.exec('PRAGMA foreign_keys = OFF');
    try {
      await this.transaction(async (session) => {
        const rows = await session.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        for (const row of rows) await session.run(`DROP TABLE IF EXISTS "${String(row.name)}"`);
      });
    } finally {
      this.writer.db.exec('PRAGMA foreign_keys = ON');
      this.tables.forgetAll();
    }
  }

  close(): void {
    if (this.writer.db.isOpen) this.writer.db.close();
  }
}

function openDatabase(options: SqliteStoreOptions): SqliteDatabase {
  try {
    return new SqliteDatabase(options);
  } catch (error) {
    throw translateSqliteError(error);
  }
}

/** A migrations handle on a SQLite file, for `portico migrations …`. Close it with `close()`. */
export async function openSqliteMigrations(options: SqliteStoreOptions): Promise<MigrationDatabase & { close(): Promise<void> }> {
  const database = openDatabase(options);
  try {
    await database.configure();
  } catch (error) {
    database.close();
    throw translateSqliteError(error);
  }
  return {
    dialect: database.dialect,
    tables: database.tables,
    transaction: (work) => database.transaction(work),
    dropAll: () => database.dropAll(),
    close: async () => database.close(),
  };
}

export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const database = openDatabase(options);
  let reader: SqliteSession | null = null;
  try {
    await database.configure();
    // The embedded default needs no migrations step: a fresh file is bootstrapped on open and
    // new non-destructive steps are applied (Kong users expect `kong start` to just work here).
    if (!(await bootstrap(database))) {
      if ((await migrationsStatus(database)).newMigrations.length > 0) await up(database);
    }
    reader = new SqliteSession(new DatabaseSync(options.path, { timeout: database.busyTimeoutMs, readOnly: true }));
  } catch (error) {
    database.close();
    throw translateSqliteError(error);
  }
  const readSession = reader;
  const readVersion = (): number => Number(readSession.allSync(`SELECT version FROM ${VERSION_TABLE} WHERE id = 1`)[0]?.version ?? 0);
  const dataVersion = (): number => Number(readSession.allSync('PRAGMA data_version')[0]?.data_version ?? 0);

  let timer: NodeJS.Timeout | null = null;
  const backend: SqlBackend = {
    kind: 'sqlite',
    tables: database.tables,
    readSession: () => readSession,
    writeTransaction: async (work) => {
      try {
        return await database.transaction(work);
      } catch (error) {
        // Another process may have created or dropped tables: re-learn them next time.
        if (!(error instanceof KongError)) database.tables.forgetAll();
        throw error;
      }
    },
    bumpVersion: async (session) => {
      const rows = await session.all(`UPDATE ${VERSION_TABLE} SET version = version + 1 WHERE id = 1 RETURNING version`);
      return Number(rows[0]!.version);
    },
    translateError: translateSqliteError,
    close: async () => {
      if (timer) clearInterval(timer);
      database.close();
      if (readSession.db.isOpen) readSession.db.close();
    },
  };
  const { store, observe } = createSqlStore(backend, readVersion());
  // Other processes writing the same file: data_version changes whenever another connection
  // commits, so the poll is one cheap pragma until something really changed.
  let lastData = dataVersion();
  timer = setInterval(() => {
    try {
      const current = dataVersion();
      if (current === lastData) return;
      lastData = current;
      observe(readVersion());
    } catch {
      // A transient failure (file briefly locked for recovery): the next tick tries again.
    }
  }, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  timer.unref();
  return store;
}
