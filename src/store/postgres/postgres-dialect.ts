// Postgres's side of the shared SQL layout: `C` collation so primary-key order matches the other
// adapters byte for byte, text[] tags with array operators, deferrable foreign keys, and
// SQLSTATE-based error classification (23505 unique_violation, 23503 foreign_key_violation).
import { ErrorCode, KongError } from '../../core/errors.ts';
import { DatabaseUnavailableError } from '../errors.ts';
import type { ConstraintFailure, SqlDialect, SqlRow, SqlSession } from '../migrations/dialect.ts';

export const postgresDialect: SqlDialect = {
  kind: 'postgres',
  textType: 'TEXT COLLATE "C"',
  numberType: 'DOUBLE PRECISION',
  tagsType: 'TEXT[]',
  statementSavepoints: true,
  deferForeignKeys: 'SET CONSTRAINTS ALL DEFERRED',
  immediateForeignKeys: 'SET CONSTRAINTS ALL IMMEDIATE',
  foreignKeySuffix: ' DEFERRABLE INITIALLY IMMEDIATE',
  encodeTags: (tags) => tags,
  tagFilter: (mode, values) => ({ sql: mode === 'and' ? 'tags @> ?::text[]' : 'tags && ?::text[]', params: [values] }),
  listTablesSql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
  classify(error): ConstraintFailure | null {
    const { code, detail, constraint } = (error ?? {}) as { code?: unknown; detail?: unknown; constraint?: unknown };
    if (code === '23503') return { kind: 'foreign' };
    if (code !== '23505') return null;
    if (typeof constraint === 'string' && constraint.endsWith('_pkey')) return { kind: 'unique', column: 'id' };
    // "Key (u_name)=(\"foo\") already exists."
    const column = typeof detail === 'string' ? /^Key \(([^)]+)\)=/.exec(detail)?.[1] : undefined;
    return column ? { kind: 'unique', column } : null;
  },
};

/** Anything that can run a parameterised query: a pool or one client. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: SqlRow[]; rowCount: number | null }>;
}

/** `?` placeholders (shared SQL) → `$1, $2, …`. Shared SQL never has `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

export class PostgresSession implements SqlSession {
  private readonly target: Queryable;

  constructor(target: Queryable) {
    this.target = target;
  }

  async all(sql: string, params: unknown[] = []): Promise<SqlRow[]> {
    return (await this.target.query(numberPlaceholders(sql), params)).rows;
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.target.query(numberPlaceholders(sql), params)).rowCount ?? 0;
  }
}

const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * Whether the database (not the statement) failed: refused or dropped connections, timeouts
 * (pg's connectionTimeoutMillis / query_timeout, the server's statement_timeout → 57014),
 * server shutdown (57P0x), connection exceptions (08xxx), too many connections (53300),
 * authentication or unknown database (28xxx, 3D000).
 */
export function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_ERRNO.has(code) || code.startsWith('08') || code.startsWith('57P') || code.startsWith('28')) return true;
    if (code === '57014' || code === '53300' || code === '3D000') return true;
  }
  const text = typeof message === 'string' ? message : '';
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end/.test(text);
}

export function translatePostgresError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (isUnavailable(error)) return new DatabaseUnavailableError(`database unavailable: ${message || 'connection failed'}`, error);
  return new KongError(ErrorCode.DATABASE_ERROR, message);
}
