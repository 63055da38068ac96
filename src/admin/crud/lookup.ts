// Finding entities the way Kong's endpoints do: a URL key is an id when it is a UUID and the
// endpoint key otherwise (a UUID-shaped name is tried as a name after the id lookup misses), and
// foreign values given as `{"name": …}` are resolved to `{id}` (kong/db/dao/init.lua
// resolve_foreign) or rejected with code 13.
import { ErrorCode, KongError, luaRepr } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import type { Row, Store } from '../../store/types.ts';
import type { CrudEntities, CrudEntity } from './definition.ts';

export interface Located {
  row: Row | null;
  /** The endpoint key used when the URL key was not an id (DB-less messages name it). */
  byField: string | null;
}

export async function locate(store: Store, def: CrudEntity, key: string, scope?: { field: string; parentId: string }): Promise<Located> {
  const scopedField = scope === undefined ? null : def.scopedEndpointKey ?? null;
  if (scopedField !== null && !isUuid(key)) {
    // Unique only per parent (acls: {consumer, group}), so looked up among the parent's children.
    const children = await allByForeign(store, def.name, scope!.field, scope!.parentId);
    return { row: children.find((row) => row[scopedField] === key) ?? null, byField: scopedField };
  }
  if (isUuid(key)) {
    const row = await store.select(def.name, key.toLowerCase());
    if (row || def.endpointKey === null) return { row, byField: null };
    return { row: await store.selectByUnique(def.name, def.endpointKey, key), byField: null };
  }
  if (def.endpointKey === null) return { row: null, byField: null };
  return { row: await store.selectByUnique(def.name, def.endpointKey, key), byField: def.endpointKey };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unresolvedMessage(lines: string[]): string {
  return lines.length === 1
    ? `foreign key unresolved (${lines[0]})`
    : `${lines.length} foreign keys unresolved (${lines.join('; ')})`;
}

/**
 * Replaces `{"service": {"name": "x"}}` by `{"service": {"id": "<uuid>"}}`. Values that already
 * carry an `id` (or are not objects) are left for the validator.
 */
export async function resolveForeign(store: Store, defs: CrudEntities, def: CrudEntity, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const fields: Record<string, Record<string, string>> = {};
  const lines: string[] = [];
  const out = { ...input };
  for (const fk of def.foreignKeys) {
    const value = input[fk.field];
    if (!isPlainObject(value) || value.id !== undefined) continue;
    const parent = defs[fk.reference];
    if (!parent) continue;
    const uniqueField = parent.uniqueFields.find((f) => value[f] !== undefined && value[f] !== null);
    if (uniqueField === undefined) continue;
    const found = await store.selectByUnique(fk.reference, uniqueField, value[uniqueField]);
    if (found) {
      out[fk.field] = { id: found.id };
      continue;
    }
    const message = `the foreign key cannot be resolved with '${luaRepr({ [uniqueField]: value[uniqueField] })}' for an existing '${fk.reference}' entity`;
    fields[fk.field] = { [uniqueField]: message };
    lines.push(`${fk.field}.${uniqueField}: ${message}`);
  }
  if (lines.length > 0) throw new KongError(ErrorCode.FOREIGN_KEYS_UNRESOLVED, unresolvedMessage(lines), fields);
  return out;
}

/** Kong's not-found err_t for PATCH (`could not find the entity with primary key '{id="…"}'`). */
export function notFoundError(byField: string | null, key: string): KongError {
  const message = byField === null
    ? `could not find the entity with primary key '${luaRepr({ id: key })}'`
    : `could not find the entity with '${luaRepr({ [byField]: key })}'`;
  return new KongError(ErrorCode.NOT_FOUND, message, byField === null ? { id: key } : { [byField]: key });
}

/** The id a row's foreign field points at (`{id}` objects; a bare id tolerated). */
export function foreignIdOf(row: Row, field: string): string | null {
  const value = row[field];
  if (typeof value === 'string') return value;
  if (isPlainObject(value) && typeof value.id === 'string') return value.id;
  return null;
}

/** Every child row pointing at one parent, across all pages (targets of an upstream, SNIs of a certificate). */
export async function allByForeign(store: Store, table: string, field: string, parentId: string): Promise<Row[]> {
  const rows: Row[] = [];
  let offset: string | undefined;
  do {
    const page = await store.pageByForeign(table, field, parentId, { size: 1000, ...(offset ? { offset } : {}) });
    rows.push(...page.data);
    offset = page.offset;
  } while (offset !== undefined);
  return rows;
}
