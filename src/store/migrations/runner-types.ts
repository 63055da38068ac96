// The database handle the migration runner works on (an adapter provides it).
import type { SqlDialect, SqlSession } from './dialect.ts';

/** What migrations need of the table registry: create the entity tables it knows about. */
export interface SqlTablesLike {
  registeredTables(): string[];
  ensure(session: SqlSession, table: string): Promise<unknown>;
}

export interface MigrationDatabase {
  readonly dialect: SqlDialect;
  readonly tables: SqlTablesLike;
  /** Runs `work` in one transaction (both databases have transactional DDL). */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Drops every table in the database (SQLite file) or schema (Postgres). */
  dropAll(): Promise<void>;
}
