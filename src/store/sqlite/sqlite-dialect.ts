// SQLite's side of the shared SQL layout: JSON text for documents and tags (filtered with
// json_each), extended result codes for constraint failures, and a session over one
// `node:sqlite` connection with cached prepared statements.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ConstraintFailure, SqlDialect, SqlRow, SqlSession } from '../migrations/dialect.ts';

// Extended result codes (sqlite3.h): SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, _FOREIGNKEY.
const CONSTRAINT_UNIQUE = 2067;
const CONSTRAINT_PRIMARYKEY = 1555;
const CONSTRAINT_FOREIGNKEY = 787;
/** SQLITE_BUSY and its extended forms: another connection holds the write lock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === 5;
}

export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  textType: 'TEXT',
  numberType: 'REAL',
  tagsType: 'TEXT',
  statementSavepoints: false,
  deferForeignKeys: 'PRAGMA defer_foreign_keys = ON',
  immediateForeignKeys: 'PRAGMA defer_foreign_keys = OFF',
  foreignKeySuffix: '',
  encodeTags: (tags) => (tags === null ? null : JSON.stringify(tags)),
  tagFilter(mode, values) {
    const wanted = [...new Set(values)];
    const list = wanted.map(() => '?').join(', ');
    if (mode === 'or') return { sql: `EXISTS (SELECT 1 FROM json_each(tags) WHERE value IN (${list}))`, params: wanted };
    return { sql: `(SELECT count(DISTINCT value) FROM json_each(tags) WHERE value IN (${list})) = ?`, params: [...wanted, wanted.length] };
  },
  listTablesSql: "SELECT name FROM sqlite_master WHERE type = 'table'",
  classify(error): ConstraintFailure | null {
    const code = (error as { errcode?: unknown } | null)?.errcode;
    const message = error instanceof Error ? error.message : '';
    if (code === CONSTRAINT_UNIQUE || code === CONSTRAINT_PRIMARYKEY) {
      // "UNIQUE constraint failed: services.u_name"
      const column = /constraint failed: [^.\s]+\.(\S+)/.exec(message)?.[1];
      return column ? { kind: 'unique', column } : null;
    }
    if (code === CONSTRAINT_FOREIGNKEY) return { kind: 'foreign' };
    return null;
  },
};

type SqliteValue = null | number | bigint | string | Uint8Array;

function bind(params: unknown[]): SqliteValue[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value === undefined ? null : value) as SqliteValue);
}

export class SqliteSession implements SqlSession {
  readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  prepare(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // Schema changes (a new table, a reset) can invalidate statements: keep the cache small.
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async all(sql: string, params: unknown[] = []): Promise<SqlRow[]> {
    return this.allSync(sql, params);
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.runSync(sql, params);
  }

  allSync(sql: string, params: unknown[] = []): SqlRow[] {
    return this.prepare(sql).all(...bind(params)) as SqlRow[];
  }

  runSync(sql: string, params: unknown[] = []): number {
    return Number(this.prepare(sql).run(...bind(params)).changes);
  }
}
