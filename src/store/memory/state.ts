// The synchronous heart of the memory store: tables of rows plus unique indexes, with Kong's
// constraint checks. Copy-on-write per table so a transaction can work on a cheap clone and be
// swapped in (or dropped) as a whole.
import { ErrorCode, KongError, luaRepr } from '../../core/errors.ts';
import type { Row } from '../types.ts';
import { compositeKey, foreignId, referencingKeys, relationsOf } from './relations.ts';
import type { RelationMap, TableRelations } from './relations.ts';
import { EXPIRES_AT, isExpired } from './ttl.ts';

/** Index name for the composite cache-key constraint (field names never start with `@`). */
const CACHE_KEY_INDEX = '@cache_key';

interface TableState {
  rows: Map<string, Row>;
  /** Unique index: constraint name → encoded value → id. */
  indexes: Map<string, Map<string, string>>;
  /** Ids in primary-key order; rebuilt lazily after writes. */
  sorted: string[] | null;
}

function encodeValue(value: unknown): string {
  const id = typeof value === 'object' && value !== null && !Array.isArray(value) ? foreignId(value) : null;
  return JSON.stringify(id ?? value ?? null);
}

/** Value shown in a composite violation: foreign keys as `{id}`, absent parts as null (Kong's cache key). */
function compositeFields(rel: TableRelations, key: string[], row: Row): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of key) {
    const value = row[field] ?? null;
    const isForeign = rel.foreignKeys.some((fk) => fk.field === field);
    const id = isForeign ? foreignId(value) : null;
    fields[field] = isForeign ? (id === null ? null : { id }) : value;
  }
  return fields;
}

export class MemoryState {
  readonly relations: RelationMap;
  private readonly tables: Map<string, TableState>;
  /** Tables this state may mutate in place (the rest are shared with the state it was cloned from). */
  private readonly owned: Set<string>;
  /** Tables holding rows written with a ttl (only these are scanned for expired rows). */
  private readonly expiring: Set<string>;

  constructor(relations: RelationMap, tables?: Map<string, TableState>, expiring?: Set<string>) {
    this.relations = relations;
    this.tables = tables ?? new Map();
    this.owned = new Set();
    this.expiring = expiring ?? new Set();
  }

  clone(): MemoryState {
    return new MemoryState(this.relations, new Map(this.tables), new Set(this.expiring));
  }

  /** Drop rows whose ttl has passed (cascading like a delete); returns how many went. */
  purgeExpired(now: number): number {
    let purged = 0;
    for (const table of [...this.expiring]) {
      const expired = [...(this.tables.get(table)?.rows.values() ?? [])].filter((row) => isExpired(row, now));
      for (const row of expired) {
        try {
          if (this.remove(table, row.id)) purged++;
        } catch {
          // A restricting reference keeps the row stored; reads still hide it.
        }
      }
    }
    return purged;
  }

  get(table: string, id: string): Row | undefined {
    return this.tables.get(table)?.rows.get(id);
  }

  sortedIds(table: string): string[] {
    const state = this.tables.get(table);
    if (!state) return [];
    if (!state.sorted) state.sorted = [...state.rows.keys()].sort();
    return state.sorted;
  }

  rows(table: string): Row[] {
    const state = this.tables.get(table);
    if (!state) return [];
    return this.sortedIds(table).map((id) => state.rows.get(id)!);
  }

  findUnique(table: string, field: string, value: unknown): Row | null {
    const state = this.tables.get(table);
    if (!state || value === null || value === undefined) return null;
    const index = state.indexes.get(field);
    if (index) {
      const id = index.get(encodeValue(value));
      return id === undefined ? null : state.rows.get(id)!;
    }
    const wanted = encodeValue(value);
    for (const id of this.sortedIds(table)) {
      const row = state.rows.get(id)!;
      if (encodeValue(row[field]) === wanted) return row;
    }
    return null;
  }

  insert(table: string, row: Row, checkForeign = true): void {
    const state = this.writable(table);
    if (state.rows.has(row.id)) {
      throw new KongError(ErrorCode.PRIMARY_KEY_VIOLATION, `primary key violation on key '${luaRepr({ id: row.id })}'`, { id: row.id });
    }
    this.checkUnique(table, row);
    if (checkForeign) this.checkForeign(table, row);
    this.put(state, table, row);
  }

  update(table: string, id: string, row: Row): void {
    const state = this.writable(table);
    const existing = state.rows.get(id);
    if (!existing) {
      throw new KongError(ErrorCode.NOT_FOUND, `could not find the entity with primary key '${luaRepr({ id })}'`, { id });
    }
    const next = { ...row, id };
    this.checkUnique(table, next);
    this.checkForeign(table, next);
    this.unindex(state, table, existing);
    this.put(state, table, next);
  }

  upsert(table: string, row: Row): void {
    if (this.get(table, row.id)) this.update(table, row.id, row);
    else this.insert(table, row);
  }

  /** Delete with Kong's on-delete rules; returns whether anything changed. */
  remove(table: string, id: string): boolean {
    if (!this.get(table, id)) return false;
    const doomed = new Map<string, Set<string>>([[table, new Set([id])]]);
    const queue: Array<[string, string]> = [[table, id]];
    const restricted: Array<{ child: string; childId: string; parent: string }> = [];
    const nulled: Array<{ child: string; childId: string; field: string }> = [];
    while (queue.length > 0) {
      const [parentTable, parentId] = queue.shift()!;
      for (const { table: child, fk } of referencingKeys(this.relations, parentTable)) {
        for (const row of this.tables.get(child)?.rows.values() ?? []) {
          if (foreignId(row[fk.field]) !== parentId) continue;
          if (fk.onDelete === 'restrict') restricted.push({ child, childId: row.id, parent: parentTable });
          else if (fk.onDelete === 'null') nulled.push({ child, childId: row.id, field: fk.field });
          else if (!doomed.get(child)?.has(row.id)) {
            if (!doomed.has(child)) doomed.set(child, new Set());
            doomed.get(child)!.add(row.id);
            queue.push([child, row.id]);
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
    for (const { child, childId, field } of nulled) {
      if (doomed.get(child)?.has(childId)) continue;
      const state = this.writable(child);
      const row = state.rows.get(childId)!;
      this.unindex(state, child, row);
      this.put(state, child, { ...row, [field]: null });
    }
    for (const [doomedTable, ids] of doomed) {
      const state = this.writable(doomedTable);
      for (const doomedId of ids) {
        this.unindex(state, doomedTable, state.rows.get(doomedId)!);
        state.rows.delete(doomedId);
      }
      state.sorted = null;
    }
    return true;
  }

  /** Check every foreign key of every row (used after a bulk load that skipped per-row checks). */
  checkAllForeign(): void {
    for (const [table, state] of this.tables) {
      for (const row of state.rows.values()) this.checkForeign(table, row);
    }
  }

  private checkUnique(table: string, row: Row): void {
    const rel = relationsOf(this.relations, table);
    const state = this.tables.get(table);
    if (!state) return;
    for (const field of rel.uniqueFields) {
      const value = row[field];
      if (value === null || value === undefined) continue;
      const holder = state.indexes.get(field)?.get(encodeValue(value));
      if (holder !== undefined && holder !== row.id) {
        throw new KongError(ErrorCode.UNIQUE_VIOLATION, `UNIQUE violation detected on '${luaRepr({ [field]: value })}'`, { [field]: value });
      }
    }
    const key = compositeKey(rel);
    if (!key) return;
    const holder = state.indexes.get(CACHE_KEY_INDEX)?.get(encodeValue(key.map((f) => encodeValue(row[f]))));
    if (holder !== undefined && holder !== row.id) {
      const fields = compositeFields(rel, key, row);
      throw new KongError(ErrorCode.UNIQUE_VIOLATION, `UNIQUE violation detected on '${luaRepr(fields)}'`, fields);
    }
  }

  private checkForeign(table: string, row: Row): void {
    for (const fk of relationsOf(this.relations, table).foreignKeys) {
      const value = row[fk.field];
      if (value === null || value === undefined) continue;
      const id = foreignId(value);
      if (id !== null && this.get(fk.reference, id)) continue;
      const key = { id: id ?? value };
      throw new KongError(
        ErrorCode.FOREIGN_KEY_VIOLATION,
        `the foreign key '${luaRepr(key)}' does not reference an existing '${fk.reference}' entity.`,
        { [fk.field]: key },
      );
    }
  }

  private writable(table: string): TableState {
    let state = this.tables.get(table);
    if (state && this.owned.has(table)) return state;
    state = state
      ? {
          rows: new Map(state.rows),
          indexes: new Map([...state.indexes].map(([name, index]) => [name, new Map(index)])),
          sorted: state.sorted,
        }
      : { rows: new Map(), indexes: new Map(), sorted: [] };
    this.tables.set(table, state);
    this.owned.add(table);
    return state;
  }

  private put(state: TableState, table: string, row: Row): void {
    if (!state.rows.has(row.id)) state.sorted = null;
    if (typeof row[EXPIRES_AT] === 'number') this.expiring.add(table);
    state.rows.set(row.id, row);
    this.forEachIndexKey(table, row, (name, key) => {
      let index = state.indexes.get(name);
      if (!index) state.indexes.set(name, (index = new Map()));
      index.set(key, row.id);
    });
  }

  private unindex(state: TableState, table: string, row: Row): void {
    this.forEachIndexKey(table, row, (name, key) => {
      const index = state.indexes.get(name);
      if (index?.get(key) === row.id) index.delete(key);
    });
  }

  private forEachIndexKey(table: string, row: Row, visit: (name: string, key: string) => void): void {
    const rel = relationsOf(this.relations, table);
    for (const field of rel.uniqueFields) {
      const value = row[field];
      if (value !== null && value !== undefined) visit(field, encodeValue(value));
    }
    const key = compositeKey(rel);
    if (key) visit(CACHE_KEY_INDEX, encodeValue(key.map((f) => encodeValue(row[f]))));
  }
}
