// What the shared SQL code needs from a database: a session to run statements on and the few
// places where SQLite and Postgres differ (column types, tag filters, error classification).
// Statements are written with `?` placeholders; the Postgres session numbers them ($1, $2, …).

export type SqlRow = Record<string, unknown>;

export interface SqlSession {
  all(sql: string, params?: unknown[]): Promise<SqlRow[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** A constraint failure as the database reported it. */
export type ConstraintFailure =
  | { kind: 'unique'; column: string }
  | { kind: 'foreign' };

export interface SqlDialect {
  readonly kind: 'sqlite' | 'postgres';
  /** Column types: JSON document text, a timestamp number, the tag list. */
  readonly textType: string;
  readonly numberType: string;
  readonly tagsType: string;
  /** Postgres aborts the whole transaction on a failed statement; a savepoint confines it. */
  readonly statementSavepoints: boolean;
  /** Defers foreign-key checks to COMMIT (bulk loads in any order, cascades in any order). */
  readonly deferForeignKeys: string;
  /** Back to checking at each statement (after a cascade or bulk load, so later writes fail early). */
  readonly immediateForeignKeys: string;
  /** Foreign key constraint suffix (DEFERRABLE where the database supports deferring). */
  readonly foreignKeySuffix: string;
  /** The stored form of a row's tags. */
  encodeTags(tags: string[] | null): unknown;
  /** A WHERE fragment filtering on the `tags` column, with its parameters. */
  tagFilter(mode: 'and' | 'or', values: string[]): { sql: string; params: unknown[] };
  /** Names of the tables that exist in the current schema. */
  listTablesSql: string;
  classify(error: unknown): ConstraintFailure | null;
}

/** Identifiers come from entity definitions; anything else is refused before it reaches SQL. */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}
