// How an entity table is laid out in SQL, derived from its constraint metadata (so plugin-owned
// tables get the same treatment as core ones): the row as a JSON document plus real columns the
// database indexes and enforces — id (primary key), one `u_<field>` column per unique field, one
// `cache_key` column for a composite cache key (Kong keeps `cache_key` UNIQUE, e.g. one plugin
// per name+route+service+consumer), one `fk_<field>` column per foreign key with a real
// FOREIGN KEY constraint, `tags` for tag filters, `created_at`, and `expires_at` for rows written
// with a `ttl` (Kong's ttl entities: the absolute expiry is stored, `ttl` itself is not).
import { compositeKey, foreignId } from '../memory/relations.ts';
import type { ForeignKeyRelation, TableRelations } from '../memory/relations.ts';
import type { Row } from '../types.ts';
import { quoteIdentifier } from './dialect.ts';
import type { SqlDialect } from './dialect.ts';

export interface UniqueColumn {
  field: string;
  column: string;
}

export interface ForeignColumn extends ForeignKeyRelation {
  column: string;
}

export interface TableLayout {
  table: string;
  quoted: string;
  uniques: UniqueColumn[];
  foreignKeys: ForeignColumn[];
  /** Fields of a composite unique cache key, or null. */
  cacheKey: string[] | null;
  /** Every column, in the order `rowValues` produces values. */
  columns: string[];
}

export const CACHE_KEY_COLUMN = 'cache_key';
export const EXPIRES_AT_COLUMN = 'expires_at';

export function tableLayout(table: string, relations: TableRelations): TableLayout {
  const uniques = relations.uniqueFields.map((field) => ({ field, column: `u_${field}` }));
  const foreignKeys = relations.foreignKeys.map((fk) => ({ ...fk, column: `fk_${fk.field}` }));
  const cacheKey = compositeKey(relations);
  const columns = [
    'id', 'doc', 'created_at', 'tags', EXPIRES_AT_COLUMN,
    ...uniques.map((u) => u.column),
    ...(cacheKey ? [CACHE_KEY_COLUMN] : []),
    ...foreignKeys.map((fk) => fk.column),
  ];
  columns.forEach(quoteIdentifier);
  return { table, quoted: quoteIdentifier(table), uniques, foreignKeys, cacheKey, columns };
}

/** A value as a unique index sees it: foreign keys by id, everything else as JSON (type-exact). */
export function uniqueValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const id = typeof value === 'object' && !Array.isArray(value) ? foreignId(value) : null;
  return JSON.stringify(id ?? value);
}

function tagsOf(row: Row): string[] | null {
  return Array.isArray(row.tags) ? row.tags.filter((tag): tag is string => typeof tag === 'string') : null;
}

/** Column values for `row` (its `ttl` already turned into `expiresAt`), in `layout.columns` order. */
export function rowValues(layout: TableLayout, row: Row, expiresAt: number | null, dialect: SqlDialect): unknown[] {
  const { ttl: _ttl, ...document } = row as Row & { ttl?: unknown };
  const values: unknown[] = [
    row.id,
    JSON.stringify(document),
    typeof row.created_at === 'number' ? row.created_at : null,
    dialect.encodeTags(tagsOf(row)),
    expiresAt,
  ];
  for (const unique of layout.uniques) values.push(uniqueValue(row[unique.field]));
  if (layout.cacheKey) {
    // Absent parts count as null, as in Kong's cache key: the key is never null itself.
    values.push(JSON.stringify(layout.cacheKey.map((field) => uniqueValue(row[field]))));
  }
  for (const fk of layout.foreignKeys) values.push(foreignId(row[fk.field]));
  return values;
}

const ON_DELETE_SQL: Record<ForeignKeyRelation['onDelete'], string> = {
  cascade: 'CASCADE',
  // NO ACTION rather than RESTRICT: it can be deferred, so a cascade that removes the
  // restricting row in the same transaction is not refused in the middle (the store checks
  // Kong's restrict rule itself first, to report it with Kong's message).
  restrict: 'NO ACTION',
  null: 'SET NULL',
};

/** CREATE statements for one table and its indexes (idempotent). */
export function createTableSql(layout: TableLayout, dialect: SqlDialect): string[] {
  const { textType, numberType, tagsType } = dialect;
  const lines = [
    `id ${textType} PRIMARY KEY`,
    `doc ${textType} NOT NULL`,
    `created_at ${numberType}`,
    `tags ${tagsType}`,
    `${EXPIRES_AT_COLUMN} ${numberType}`,
    ...layout.uniques.map((u) => `${quoteIdentifier(u.column)} ${textType} UNIQUE`),
    ...(layout.cacheKey ? [`${CACHE_KEY_COLUMN} ${textType} UNIQUE`] : []),
    ...layout.foreignKeys.map((fk) =>
      `${quoteIdentifier(fk.column)} ${textType} REFERENCES ${quoteIdentifier(fk.reference)} (id) ` +
      `ON DELETE ${ON_DELETE_SQL[fk.onDelete]}${dialect.foreignKeySuffix}`),
  ];
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${layout.quoted} (\n  ${lines.join(',\n  ')}\n)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${layout.table}_${EXPIRES_AT_COLUMN}_idx`)} ON ${layout.quoted} ` +
      `(${EXPIRES_AT_COLUMN}) WHERE ${EXPIRES_AT_COLUMN} IS NOT NULL`,
  ];
  for (const fk of layout.foreignKeys) {
    statements.push(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${layout.table}_${fk.column}_idx`)} ON ${layout.quoted} (${quoteIdentifier(fk.column)})`);
  }
  return statements;
}
