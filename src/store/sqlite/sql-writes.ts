// Writes shared by the SQL adapters. Each runs inside a write transaction the adapter opened.
// The database enforces primary keys, unique columns and foreign keys; a violation is mapped to
// Kong's err_t with the same codes, messages and fields as the memory adapter
// (kong/db/strategies/postgres: "UNIQUE violation detected on '{name="foo"}'", …).
import { ErrorCode, KongError, luaRepr } from '../../core/errors.ts';
import { foreignId, referencingKeys } from '../memory/relations.ts';
import { quoteIdentifier } from '../migrations/dialect.ts';
import type { SqlSession } from '../migrations/dialect.ts';
import { CACHE_KEY_COLUMN, rowValues } from '../migrations/layout.ts';
import type { ForeignColumn, TableLayout } from '../migrations/layout.ts';
import type { Row } from '../types.ts';
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

export class SqlWriter {
  private readonly tables: SqlTables;

  constructor(tables: SqlTables) {
    this.tables = tables;
  }

  async insert(session: SqlSession, table: string, row: Row): Promise<Row> {
    const layout = await this.tables.ensure(session, table);
    this.checkForeignShapes(layout, row);
    const placeholders = layout.columns.map(() => '?').join(', ');
    const sql = `INSERT INTO ${layout.quoted} (${layout.columns.map(quoteIdentifier).join(', ')}) VALUES (${placeholders})`;
    await this.guarded(session, layout, row, () => session.run(sql, rowValues(layout, row, this.tables.dialect)));
    return row;
  }

  async update(session: SqlSession, table: string, id: string, row: Row): Promise<Row> {
    const next = { ...row, id };
    if (!(await this.tables.exists(session, table))) throw notFound(id);
    const layout = this.tables.layout(table);
    this.checkForeignShapes(layout, next);
    const changed = await this.guarded(session, layout, next, () => this.rewrite(session, layout, next));
    if (changed === 0) throw notFound(id);
    return next;
  }

  async upsert(session: SqlSession, table: string, row: Row): Promise<Row> {
    const present = (await this.tables.exists(session, table)) && (await rowExists(session, table, row.id));
    return present ? this.update(session, table, row.id, row) : this.insert(session, table, row);
  }

  /**
   * Kong's delete (spec §1.11): cascades along `cascade` foreign keys (recursively), nulls
   * `null` ones, and refuses when a `restrict` reference would survive. Returns whether a row
   * was deleted (deleting a missing row is not an error and changes nothing).
   */
  async delete(session: SqlSession, table: string, id: string): Promise<boolean> {
    if (!(await this.tables.exists(session, table)) || !(await rowExists(session, table, id))) return false;
    const relations = this.tables.relations();
    const doomed = new Map<string, Set<string>>([[table, new Set([id])]]);
    const queue: Array<[string, string]> = [[table, id]];
    const restricted: Array<{ child: string; childId: string; parent: string }> = [];
    const nulled: Array<{ child: string; row: Row; field: string }> = [];
    while (queue.length > 0) {
      const [parentTable, parentId] = queue.shift()!;
      for (const { table: child, fk } of referencingKeys(relations, parentTable)) {
        if (!(await this.tables.exists(session, child))) continue;
        const column = quoteIdentifier(`fk_${fk.field}`);
        const rows = await session.all(`SELECT id, doc FROM ${quoteIdentifier(child)} WHERE ${column} = ? ORDER BY id`, [parentId]);
        for (const { id: childId, doc } of rows) {
          const key = String(childId);
          if (fk.onDelete === 'restrict') restricted.push({ child, childId: key, parent: parentTable });
          else if (fk.onDelete === 'null') nulled.push({ child, row: parseDoc(doc), field: fk.field });
          else if (!doomed.get(child)?.has(key)) {
            if (!doomed.has(child)) doomed.set(child, new Set());
            doomed.get(child)!.add(key);
            queue.push([child, key]);
          }
        }
      }
    }
    // A restricting row only blocks the delete if the cascade does not remove it too.
    const blocker = restricted.find((r) => !doomed.get(r.child)?.has(r.childId));
    if (blocker) {
      throw new KongError(
        ErrorCode.FOREIGN_KEY_VIOLATION,
        `an existing '${blocker.child}' entity references this '${blocker.parent}' entity`,
        { '@referenced_by': blocker.child },
      );
    }
    await session.run(this.tables.dialect.deferForeignKeys);
    for (const { child, row, field } of nulled) {
      if (doomed.get(child)?.has(row.id)) continue;
      await this.rewrite(session, this.tables.layout(child), { ...row, [field]: null });
    }
    for (const [doomedTable, ids] of doomed) {
      for (const doomedId of ids) await session.run(`DELETE FROM ${quoteIdentifier(doomedTable)} WHERE id = ?`, [doomedId]);
    }
    await session.run(this.tables.dialect.immediateForeignKeys);
    return true;
  }

  /** Replaces every entity table's content; foreign keys are checked against the complete set. */
  async replaceAll(session: SqlSession, entities: Record<string, Array<Record<string, unknown>>>): Promise<void> {
    await session.run(this.tables.dialect.deferForeignKeys);
    for (const table of await this.tables.entityTables(session, Object.keys(entities))) {
      await session.run(`DELETE FROM ${quoteIdentifier(table)}`);
    }
    for (const [table, rows] of Object.entries(entities)) {
      for (const row of rows) await this.insert(session, table, row as Row);
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

  private rewrite(session: SqlSession, layout: TableLayout, row: Row): Promise<number> {
    const [, ...values] = rowValues(layout, row, this.tables.dialect);
    const assignments = layout.columns.slice(1).map((column) => `${quoteIdentifier(column)} = ?`).join(', ');
    return session.run(`UPDATE ${layout.quoted} SET ${assignments} WHERE id = ?`, [...values, row.id]);
  }

  /** A foreign value that is not an `{id}` can never match: refuse it as Kong does (code 4). */
  private checkForeignShapes(layout: TableLayout, row: Row): void {
    for (const fk of layout.foreignKeys) {
      const value = row[fk.field];
      if (value !== null && value !== undefined && foreignId(value) === null) throw foreignViolation(fk, value);
    }
  }

  /** Runs one statement and turns a constraint failure into Kong's err_t. */
  private async guarded(session: SqlSession, layout: TableLayout, row: Row, statement: () => Promise<number>): Promise<number> {
    const savepoints = this.tables.dialect.statementSavepoints;
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
