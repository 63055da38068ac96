// Kong's delete semantics (spec §1.11) over SQL tables: cascade along `cascade` foreign keys
// (recursively), null `null` ones, refuse when a `restrict` reference would survive — checked
// here first so the refusal carries Kong's message; the database's own constraints are the
// backstop. Also the purge of rows whose ttl has passed (Kong's ttl cleanup).
import { ErrorCode, KongError } from '../../core/errors.ts';
import { referencingKeys } from '../memory/relations.ts';
import { quoteIdentifier } from '../migrations/dialect.ts';
import type { SqlSession } from '../migrations/dialect.ts';
import { EXPIRES_AT_COLUMN } from '../migrations/layout.ts';
import type { TableLayout } from '../migrations/layout.ts';
import type { Row } from '../types.ts';
import { parseDoc } from './sql-reads.ts';
import type { SqlTables } from './sql-tables.ts';

/** Rewrites every column of a stored row (used to null a foreign key). */
export type RowRewriter = (session: SqlSession, layout: TableLayout, row: Row, expiresAt: number | null) => Promise<number>;

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export async function deleteRow(
  tables: SqlTables, session: SqlSession, rewrite: RowRewriter, table: string, id: string,
): Promise<boolean> {
  const found = await session.all(`SELECT 1 AS found FROM ${quoteIdentifier(table)} WHERE id = ?`, [id]);
  if (found.length === 0) return false;
  const relations = tables.relations();
  const doomed = new Map<string, Set<string>>([[table, new Set([id])]]);
  const queue: Array<[string, string]> = [[table, id]];
  const restricted: Array<{ child: string; childId: string; parent: string }> = [];
  const nulled: Array<{ child: string; row: Row; field: string; expiresAt: number | null }> = [];
  while (queue.length > 0) {
    const [parentTable, parentId] = queue.shift()!;
    for (const { table: child, fk } of referencingKeys(relations, parentTable)) {
      if (!(await tables.exists(session, child))) continue;
      const column = quoteIdentifier(`fk_${fk.field}`);
      const rows = await session.all(
        `SELECT id, doc, ${EXPIRES_AT_COLUMN} FROM ${quoteIdentifier(child)} WHERE ${column} = ? ORDER BY id`, [parentId]);
      for (const record of rows) {
        const childId = String(record.id);
        if (fk.onDelete === 'restrict') restricted.push({ child, childId, parent: parentTable });
        else if (fk.onDelete === 'null') {
          nulled.push({ child, row: parseDoc(record.doc), field: fk.field, expiresAt: nullableNumber(record[EXPIRES_AT_COLUMN]) });
        } else if (!doomed.get(child)?.has(childId)) {
          if (!doomed.has(child)) doomed.set(child, new Set());
          doomed.get(child)!.add(childId);
          queue.push([child, childId]);
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
  // Deferred checks: the rows go in any order, the constraints are verified once at the end.
  await session.run(tables.dialect.deferForeignKeys);
  for (const { child, row, field, expiresAt } of nulled) {
    if (doomed.get(child)?.has(row.id)) continue;
    await rewrite(session, tables.layout(child), { ...row, [field]: null }, expiresAt);
  }
  for (const [doomedTable, ids] of doomed) {
    for (const doomedId of ids) await session.run(`DELETE FROM ${quoteIdentifier(doomedTable)} WHERE id = ?`, [doomedId]);
  }
  await session.run(tables.dialect.immediateForeignKeys);
  return true;
}

/**
 * Deletes the rows of `table` whose ttl has passed (with their cascades), so their unique values
 * are free again before a write. A row that something restricts stays stored; reads hide it.
 */
export async function purgeExpired(tables: SqlTables, session: SqlSession, rewrite: RowRewriter, table: string): Promise<void> {
  const expired = await session.all(
    `SELECT id FROM ${quoteIdentifier(table)} WHERE ${EXPIRES_AT_COLUMN} IS NOT NULL AND ${EXPIRES_AT_COLUMN} <= ?`, [tables.now()]);
  for (const { id } of expired) {
    try {
      await deleteRow(tables, session, rewrite, table, String(id));
    } catch (error) {
      if (!(error instanceof KongError)) throw error;
    }
  }
}
