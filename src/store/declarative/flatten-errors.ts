// Kong's `flattened_errors` (POST /config?flatten_errors=1, kong/db/errors.lua): one item per
// failing entity, nested children hoisted, with its type (singular), id/name/tags when given,
// the entity as sent and its errors as `{type: "field", field: "a.b", message}` or
// `{type: "entity", message}`.
import type { ErrorTree } from './error-tree.ts';
import type { TableCatalog } from './tables.ts';
import type { PendingEntity } from './walk.ts';

export interface FlattenedError {
  entity_type: string;
  entity_id?: string;
  entity_name?: string;
  entity_tags?: string[];
  entity: Record<string, unknown>;
  errors: Array<{ type: 'field'; field: string; message: string } | { type: 'entity'; message: string }>;
}

/** Kong's table names are plurals made by a trailing `s` (snis → sni, key_sets → key_set). */
export function singular(table: string): string {
  return table.endsWith('s') ? table.slice(0, -1) : table;
}

function fieldErrors(value: unknown, path: string, out: FlattenedError['errors']): void {
  if (typeof value === 'string') {
    out.push(path === '' ? { type: 'entity', message: value } : { type: 'field', field: path, message: value });
  } else if (Array.isArray(value)) {
    // A list at an entity slot holds entity lines (references); inside a field, positions (1-based as in Lua).
    value.forEach((item, i) => {
      if (item !== null && item !== undefined) fieldErrors(item, path === '' ? '' : `${path}.${i + 1}`, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '@entity') fieldErrors(inner, '', out);
      else fieldErrors(inner, path === '' ? key : `${path}.${key}`, out);
    }
  }
}

export function flattenedErrors(tree: ErrorTree, pending: PendingEntity[], catalog: TableCatalog): FlattenedError[] {
  const out: FlattenedError[] = [];
  for (const entity of pending) {
    let value = tree.valueAt(entity.slot);
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const children = new Set(catalog.childrenOf(entity.table).map((c) => c.table));
      value = Object.fromEntries(Object.entries(value).filter(([key]) => !children.has(key)));
    }
    const errors: FlattenedError['errors'] = [];
    fieldErrors(value, '', errors);
    if (errors.length === 0) continue;
    const item: FlattenedError = { entity_type: singular(entity.table), entity: entity.input, errors };
    if (typeof entity.raw.id === 'string') item.entity_id = entity.raw.id;
    if (typeof entity.raw.name === 'string') item.entity_name = entity.raw.name;
    if (Array.isArray(entity.raw.tags)) item.entity_tags = entity.raw.tags as string[];
    out.push(item);
  }
  return out;
}
