// Writes shared by the SQL adapters. Each runs inside a write transaction the adapter opened.
// The database enforces primary keys, unique columns and foreign keys; a violation is mapped to
// Kong's err_t with the same codes, messages and fields as the memory adapter
// (kong/db/strategies/postgres: "UNIQUE violation detected on '{name="foo"}'", …).
import { ErrorCode, KongError, luaRepr } from '../../core/errors.ts';
import { foreignId } from '../memory/relations.ts';
import { quoteIdentifier } from '../migrations/dialect.ts';
import type { SqlSession } from '../migrations/dialect.ts';
import { CACHE_KEY_COLUMN, EXPIRES_AT_COLUMN, rowValues } from '../migrations/layout.ts';
import type { ForeignColumn, TableLayout } from '../migrations/layout.ts';
import type { Row } from '../types.ts';
import { deleteRow, purgeExpired } from './sql-delete.ts';
import type { RowRewriter } from './sql-delete.ts';
import { parseDoc } from './sql-reads.ts';
import type { SqlTables } from './sql-tables.ts';

function foreignViolation(fk: ForeignColumn, value: unknown): KongError {
  const key = { id: foreignId(value) ?? value };
  return new KongError(
    ErrorCode.FOREIGN_KEY_VIOLATION,
    `the foreign key '${luaRepr(key)}' does not reference an existing '${fk.reference}' entity.`,
    { [fk.field]: key },
  );
}

function uniqueViolation(fields: Record<string, unknown>): KongError {
  return new KongError(ErrorCode.UNIQUE_VIOLATION, `UNIQUE violation detected on '${luaRepr(fields)}'`, fields);
}

function notFound(id: string): KongError {
  return new KongError(ErrorCode.NOT_FOUND, `could not find the entity with primary key '${luaRepr({ id })}'`, { id });
}

async function rowExists(session: SqlSession, table: string, id: string): Promise<boolean> {
  return (await session.all(`SELECT 1 AS found FROM ${quoteIdentifier(table)} WHERE id = ?`, [id])).length > 0;
}

/** A row as callers see it: no stored `ttl`; the remaining whole seconds when it expires. */
function outputRow(row: Row, expiresAt: number | null, now: number): Row {
  const { ttl: _ttl, ...rest } = row as Row & { ttl?: unknown };
  return expiresAt === null ? (rest as Row) : ({ ...rest, ttl: Math.max(0, Math.floor(expiresAt - now)) } as Row);
}

export class SqlWriter {
  private readonly tables: SqlTables;
  private readonly rewriter: RowRewriter;

  constructor(tables: SqlTables) {
    this.tables = tables;
    this.rewriter = (session, layout, row, expiresAt) => this.rewrite(session, layout, row, expiresAt);
  }

  async insert(session: SqlSession, table: string, row: Row): Promise<Row> {
    const layout = await this.tables.ensure(session, table);
    await purgeExpired(this.tables, session, this.rewriter, table);
    return this.insertRow(session, layout, row);
  }

  /** `keepExpiry`: an update without `ttl` keeps the row's expiry (Kong's update); upsert replaces it. */
  async update(session: SqlSession, table: string, id: string, row: Row, keepExpiry = true): Promise<Row> {
    const next = { ...row, id };
    if (!(await this.tables.exists(session, table))) throw notFound(id);
    await purgeExpired(this.tables, session, this.rewriter, table);
    const layout = this.tables.layout(table);
    const current = await session.all(`SELECT ${EXPIRES_AT_COLUMN} FROM ${layout.quoted} WHERE id = ?`, [id]);
    if (current.length === 0) throw notFound(id);
    this.checkForeignShapes(layout, next);
    const previous = current[0]![EXPIRES_AT_COLUMN];
    const requested = this.expiry(next);
    const expiresAt = requested !== undefined ? requested
      : keepExpiry && previous !== null && previous !== undefined ? Number(previous) : null;
    await this.guarded(session, layout, next, () => this.rewrite(session, layout, next, expiresAt));
    return outputRow(next, expiresAt, this.tables.now());
  }

  async upsert(session: SqlSession, table: string, row: Row): Promise<Row> {
    const layout = await this.tables.ensure(session, table);
    await purgeExpired(this.tables, session, this.rewriter, table);
    return (await rowExists(session, table, row.id)) ? this.update(session, table, row.id, row, false) : this.insertRow(session, layout, row);
  }

  /** Kong's delete (spec §1.11); whether a row was deleted (a missing row changes nothing). */
  async delete(session: SqlSession, table: string, id: string): Promise<boolean> {
    if (!(await this.tables.exists(session, table))) return false;
    await purgeExpired(this.tables, session, this.rewriter, table);
    return deleteRow(this.tables, session, this.rewriter, table, id);
  }

  /** Replaces every entity table's content; foreign keys are checked against the complete set. */
  async replaceAll(session: SqlSession, entities: Record<string, Array<Record<string, unknown>>>): Promise<void> {
    await session.run(this.tables.dialect.deferForeignKeys);
    for (const table of await this.tables.entityTables(session, Object.keys(entities))) {
      await session.run(`DELETE FROM ${quoteIdentifier(table)}`);
    }
    for (const [table, rows] of Object.entries(entities)) {
      const layout = await this.tables.ensure(session, table);
      // No savepoint per row: any failure aborts the whole load, and with foreign keys deferred
      // a failure here is a primary-key or unique one, explained without further queries.
      for (const row of rows) await this.insertRow(session, layout, row as Row, false);
    }
    for (const table of Object.keys(entities)) {
      const layout = this.tables.layout(table);
      for (const fk of layout.foreignKeys) {
        const column = quoteIdentifier(fk.column);
        const dangling = await session.all(
          `SELECT c.doc FROM ${layout.quoted} c WHERE c.${column} IS NOT NULL AND NOT EXISTS ` +
          `(SELECT 1 FROM ${quoteIdentifier(fk.reference)} p WHERE p.id = c.${column}) ORDER BY c.id LIMIT 1`,
        );
        if (dangling.length > 0) throw foreignViolation(fk, parseDoc(dangling[0]!.doc)[fk.field]);
      }
    }
    await session.run(this.tables.dialect.immediateForeignKeys);
  }

  private async insertRow(session: SqlSession, layout: TableLayout, row: Row, savepoint = true): Promise<Row> {
    this.checkForeignShapes(layout, row);
    const expiresAt = this.expiry(row) ?? null;
    const placeholders = layout.columns.map(() => '?').join(', ');
    const sql = `INSERT INTO ${layout.quoted} (${layout.columns.map(quoteIdentifier).join(', ')}) VALUES (${placeholders})`;
    await this.guarded(session, layout, row, () => session.run(sql, rowValues(layout, row, expiresAt, this.tables.dialect)), savepoint);
    return outputRow(row, expiresAt, this.tables.now());
  }

  private rewrite(session: SqlSession, layout: TableLayout, row: Row, expiresAt: number | null): Promise<number> {
    const [, ...values] = rowValues(layout, row, expiresAt, this.tables.dialect);
    const assignments = layout.columns.slice(1).map((column) => `${quoteIdentifier(column)} = ?`).join(', ');
    return session.run(`UPDATE ${layout.quoted} SET ${assignments} WHERE id = ?`, [...values, row.id]);
  }

  /** The absolute expiry a write asks for: `ttl` seconds from now; 0/null none; absent: undefined. */
  private expiry(row: Row): number | null | undefined {
    const ttl = (row as { ttl?: unknown }).ttl;
    if (ttl === undefined) return undefined;
    return typeof ttl === 'number' && ttl > 0 ? this.tables.now() + ttl : null;
  }

  /** A foreign value that is not an `{id}` can never match: refuse it as Kong does (code 4). */
  private checkForeignShapes(layout: TableLayout, row: Row): void {
    for (const fk of layout.foreignKeys) {
      const value = row[fk.field];
      if (value !== null && value !== undefined && foreignId(value) === null) throw foreignViolation(fk, value);
    }
  }

  /** Runs one statement and turns a constraint failure into Kong's err_t. */
  private async guarded(
    session: SqlSession, layout: TableLayout, row: Row, statement: () => Promise<number>, savepoint = true,
  ): Promise<number> {
    const savepoints = savepoint && this.tables.dialect.statementSavepoints;
    if (savepoints) await session.run('SAVEPOINT portico_statement');
    try {
      const changed = await statement();
      if (savepoints) await session.run('RELEASE SAVEPOINT portico_statement');
      return changed;
    } catch (error) {
      if (savepoints) await session.run('ROLLBACK TO SAVEPOINT portico_statement');
      throw await this.explain(session, layout, row, error);
    }
  }

  private async explain(session: SqlSession, layout: TableLayout, row: Row, error: unknown): Promise<unknown> {
    const failure = this.tables.dialect.classify(error);
    if (!failure) return error;
    if (failure.kind === 'unique') {
      if (failure.column === 'id') {
        return new KongError(ErrorCode.PRIMARY_KEY_VIOLATION, `primary key violation on key '${luaRepr({ id: row.id })}'`, { id: row.id });
      }
      if (failure.column === CACHE_KEY_COLUMN && layout.cacheKey) return uniqueViolation(this.cacheKeyFields(layout, row));
      const unique = layout.uniques.find((u) => u.column === failure.column);
      if (unique) return uniqueViolation({ [unique.field]: row[unique.field] });
      return error;
    }
    for (const fk of layout.foreignKeys) {
      const id = foreignId(row[fk.field]);
      if (id !== null && !(await rowExists(session, fk.reference, id))) return foreignViolation(fk, row[fk.field]);
    }
    return error;
  }

  /** The composite key as Kong shows it: foreign keys as `{id}`, absent parts as null. */
  private cacheKeyFields(layout: TableLayout, row: Row): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const field of layout.cacheKey ?? []) {
      const value = row[field] ?? null;
      const isForeign = layout.foreignKeys.some((fk) => fk.field === field);
      const id = isForeign ? foreignId(value) : null;
      fields[field] = isForeign ? (id === null ? null : { id }) : value;
    }
    return fields;
  }
}
