// Reads shared by the SQL adapters, with Kong's Postgres-strategy paging: ordered by primary
// key, `size` 1..1000 (default 100), the offset an opaque URL-safe base64 JSON array of the last
// id, handed out only when at least one more matching row follows. Rows whose ttl has passed are
// invisible; live ones show the remaining whole seconds as `ttl` (Kong: FLOOR(ttl - now)).
import { decodeOffset, encodeOffset, matchesTags, validatePageSize } from '../memory/paging.ts';
import { quoteIdentifier } from '../migrations/dialect.ts';
import type { SqlRow, SqlSession } from '../migrations/dialect.ts';
import { EXPIRES_AT_COLUMN, uniqueValue } from '../migrations/layout.ts';
import type { Page, PageOptions, Row } from '../types.ts';
import type { SqlTables } from './sql-tables.ts';

export function parseDoc(doc: unknown): Row {
  return JSON.parse(String(doc)) as Row;
}

/** Selects what `toRow` needs; `LIVE` (one parameter: now) hides expired rows. */
const COLUMNS = `doc, ${EXPIRES_AT_COLUMN}`;
const LIVE = `(${EXPIRES_AT_COLUMN} IS NULL OR ${EXPIRES_AT_COLUMN} > ?)`;

export function toRow(record: SqlRow, now: number): Row {
  const row = parseDoc(record.doc);
  const expiresAt = record[EXPIRES_AT_COLUMN];
  if (expiresAt === null || expiresAt === undefined) return row;
  return { ...row, ttl: Math.max(0, Math.floor(Number(expiresAt) - now)) };
}

async function first(tables: SqlTables, session: SqlSession, sql: string, params: unknown[]): Promise<Row | null> {
  const now = tables.now();
  const rows = await session.all(sql, [...params, now]);
  return rows.length > 0 ? toRow(rows[0]!, now) : null;
}

export async function selectRow(tables: SqlTables, session: SqlSession, table: string, id: string): Promise<Row | null> {
  if (!(await tables.exists(session, table))) return null;
  return first(tables, session, `SELECT ${COLUMNS} FROM ${quoteIdentifier(table)} WHERE id = ? AND ${LIVE}`, [id]);
}

export async function selectByUniqueField(
  tables: SqlTables, session: SqlSession, table: string, field: string, value: unknown,
): Promise<Row | null> {
  if (value === null || value === undefined) return null;
  if (field === 'id') return typeof value === 'string' ? selectRow(tables, session, table, value) : null;
  if (!(await tables.exists(session, table))) return null;
  const layout = tables.layout(table);
  const wanted = uniqueValue(value);
  const unique = layout.uniques.find((u) => u.field === field);
  if (unique) {
    return first(tables, session, `SELECT ${COLUMNS} FROM ${layout.quoted} WHERE ${quoteIdentifier(unique.column)} = ? AND ${LIVE}`, [wanted]);
  }
  // Not an indexed field: the first match in primary-key order, as the memory adapter answers.
  for (const row of await allRows(tables, session, table)) {
    if (uniqueValue(row[field]) === wanted) return row;
  }
  return null;
}

export async function allRows(tables: SqlTables, session: SqlSession, table: string): Promise<Row[]> {
  if (!(await tables.exists(session, table))) return [];
  const now = tables.now();
  const rows = await session.all(`SELECT ${COLUMNS} FROM ${quoteIdentifier(table)} WHERE ${LIVE} ORDER BY id`, [now]);
  return rows.map((row) => toRow(row, now));
}

export async function pageRows(
  tables: SqlTables, session: SqlSession, table: string, options: PageOptions | undefined,
  foreign?: { field: string; id: string },
): Promise<Page> {
  // Validate the request before looking at the table: bad input is refused even when empty.
  const size = validatePageSize(options?.size);
  const after = options?.offset === undefined ? null : decodeOffset(options.offset);
  if (!(await tables.exists(session, table))) return { data: [] };
  const layout = tables.layout(table);
  const now = tables.now();
  const where: string[] = [LIVE];
  const params: unknown[] = [now];
  if (foreign) {
    const fk = layout.foreignKeys.find((f) => f.field === foreign.field);
    if (!fk) return pageInMemory(await allRows(tables, session, table), foreign, size, after, options);
    where.push(`${quoteIdentifier(fk.column)} = ?`);
    params.push(foreign.id);
  }
  if (after !== null) {
    where.push('id > ?');
    params.push(after);
  }
  const tags = options?.tags;
  if (tags && tags.values.length > 0) {
    const filter = tables.dialect.tagFilter(tags.mode, tags.values);
    where.push(filter.sql);
    params.push(...filter.params);
  }
  params.push(size + 1);
  const sql = `SELECT ${COLUMNS} FROM ${layout.quoted} WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`;
  const data = (await session.all(sql, params)).map((row) => toRow(row, now));
  if (data.length <= size) return { data };
  data.length = size;
  return { data, offset: encodeOffset(data[size - 1]!.id) };
}

/** Scoping by a field that has no foreign-key column (rare: a table without metadata). */
function pageInMemory(
  rows: Row[], foreign: { field: string; id: string }, size: number, after: string | null, options: PageOptions | undefined,
): Page {
  const matching = rows.filter((row) =>
    (after === null || row.id > after)
    && uniqueValue(row[foreign.field]) === JSON.stringify(foreign.id)
    && matchesTags(row, options?.tags));
  if (matching.length <= size) return { data: matching };
  return { data: matching.slice(0, size), offset: encodeOffset(matching[size - 1]!.id) };
}
