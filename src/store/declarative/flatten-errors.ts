// Kong's `flattened_errors` (POST /config?flatten_errors=1, kong/db/errors.lua flatten_errors):
// the error tree is drained into one item per failing entity, children hoisted before their
// parent, each with its type (singular), id/name/tags when valid, the entity as sent (nested
// children removed, the parent's key added) and its errors as `{type: "field", field: "a.b",
// message}` or `{type: "entity", message}`. What cannot be tied to an entity (document-level
// errors, entries that are not records) stays behind in `fields`.
//
// Deviation, on purpose: Kong silently drops entity-level strings (duplicate declarations) while
// flattening; here they become `entity` errors so no problem goes unreported.
import { isUuid } from '../../core/ids.ts';
import type { Slot } from './error-tree.ts';
import type { TableCatalog } from './tables.ts';
import type { PendingEntity } from './walk.ts';
import { setOwn } from './walk.ts';

type FlatError = { type: 'field'; field: string; message: string } | { type: 'entity'; message: string };

export interface FlattenedError {
  entity_type: string;
  entity_id?: string;
  entity_name?: string;
  entity_tags?: string[];
  entity: Record<string, unknown>;
  errors: FlatError[];
}

/** Kong's table names are plurals made by a trailing `s` (snis → sni, key_sets → key_set). */
export function singular(table: string): string {
  return table.endsWith('s') ? table.slice(0, -1) : table;
}

function isNode(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** categorize_errors: `@entity` lines, then fields by sorted name with dotted paths (array positions 1-based, as in Lua). */
function categorize(value: unknown, path: string, out: FlatError[]): void {
  if (typeof value === 'string') {
    out.push(path === '' ? { type: 'entity', message: value } : { type: 'field', field: path, message: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item !== null && item !== undefined) categorize(item, path === '' ? '' : `${path}.${i + 1}`, out);
    });
  } else if (isNode(value)) {
    for (const key of Object.keys(value).sort()) {
      if (key === '@entity') categorize(value[key], '', out);
      else categorize(value[key], path === '' ? key : `${path}.${key}`, out);
    }
  }
}

const slotKey = (slot: Slot): string => JSON.stringify(slot);

export interface FlattenResult {
  flattened: FlattenedError[];
  /** The part of the error tree that belongs to no entity. */
  leftovers: Record<string, unknown>;
}

export function flattenErrors(fields: Record<string, unknown>, pending: PendingEntity[], catalog: TableCatalog): FlattenResult {
  const bySlot = new Map(pending.map((entity) => [slotKey(entity.slot), entity]));
  const flattened: FlattenedError[] = [];

  const addEntity = (entity: PendingEntity, errors: unknown): void => {
    let own = errors;
    if (isNode(errors)) {
      own = {};
      const children = new Set(catalog.childrenOf(entity.table).map((c) => c.table));
      for (const key of Object.keys(errors).sort()) {
        if (children.has(key) && Array.isArray(errors[key])) visitSection(key, errors[key] as unknown[], entity.slot, null);
        else setOwn(own as Record<string, unknown>, key, errors[key]);
      }
    }
    const list: FlatError[] = [];
    categorize(own, '', list);
    if (list.length === 0) return;
    const shown: Record<string, unknown> = {};
    const children = new Set(catalog.childrenOf(entity.table).map((c) => c.table));
    for (const [key, value] of Object.entries(entity.raw)) if (!children.has(key)) setOwn(shown, key, value);
    const parentId = entity.parent?.entity.raw.id;
    if (entity.parent && shown[entity.parent.field] === undefined && isUuid(parentId)) shown[entity.parent.field] = { id: parentId };
    const item: FlattenedError = { entity_type: singular(entity.table), entity: shown, errors: list };
    if (isUuid(entity.raw.id)) item.entity_id = entity.raw.id;
    if (typeof entity.raw.name === 'string' && entity.raw.name !== '') item.entity_name = entity.raw.name;
    if (Array.isArray(entity.raw.tags) && entity.raw.tags.every((t) => typeof t === 'string')) item.entity_tags = entity.raw.tags as string[];
    flattened.push(item);
  };

  /** Flattens a section's entries; those that match no entity go to `leftover` (when given). */
  const visitSection = (section: string, errors: unknown[], prefix: Slot, leftover: unknown[] | null): void => {
    errors.forEach((value, index) => {
      if (value === null || value === undefined) return;
      const entity = bySlot.get(slotKey([...prefix, section, index]));
      if (entity) addEntity(entity, value);
      else if (leftover) leftover[index] = value;
    });
  };

  const leftovers: Record<string, unknown> = {};
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    if (!Array.isArray(value)) {
      setOwn(leftovers, key, value);
      continue;
    }
    const kept: unknown[] = [];
    visitSection(key, value, [], kept);
    if (kept.length > 0) setOwn(leftovers, key, Array.from(kept, (v) => v ?? null));
  }
  return { flattened, leftovers };
}
