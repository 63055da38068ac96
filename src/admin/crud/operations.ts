// The generic CRUD engine behind every generated endpoint (kong/api/endpoints.lua): list, get,
// create, upsert (PUT), update (PATCH) and delete, optionally scoped to a parent through one
// foreign key. Storage-agnostic: it talks to the Store contract and the EntityWriter only.
import { isUuid } from '../../core/ids.ts';
import type { Row, Store } from '../../store/types.ts';
import { notFound } from '../http/errors.ts';
import type { CrudEntities, CrudEntity } from './definition.ts';
import { foreignIdOf, locate, notFoundError, resolveForeign } from './lookup.ts';
import { pageBody, pageOptions } from './paging.ts';
import type { PageBody } from './paging.ts';
import type { EntityWriter } from './writer.ts';

/** A child collection seen through its parent (`/services/{s}/routes`: field `service`). */
export interface ParentScope {
  field: string;
  parentId: string;
}

export interface CrudEngine {
  readonly store: Store;
  readonly defs: CrudEntities;
  readonly writer: EntityWriter;
  /** Decorates rows on the way out (certificates list their SNI names). */
  present(def: CrudEntity, row: Row): Promise<Record<string, unknown>>;
  /**
   * Entity-specific DAO work around a write (certificates own their `snis`): may check and strip
   * transient fields from the row before it is stored; the returned `after` runs once it is.
   */
  aroundWrite?(def: CrudEntity, row: Row, input: Record<string, unknown>): Promise<{ row: Row; after: (stored: Row) => Promise<void> }>;
  /** Entity-specific delete (certificates take their SNIs along); false = use the plain delete. */
  deleteRow?(def: CrudEntity, row: Row): Promise<boolean>;
  /** The same engine over one store transaction: all of `work` is written, or none of it. */
  transaction?<T>(work: (tx: CrudEngine) => Promise<T>): Promise<T>;
}

type Write = (writer: EntityWriter, row: Row) => Promise<Row>;

/**
 * Runs one write with the engine's per-entity hooks, then presents the stored row. The hooks may
 * write more rows (a certificate's SNIs), so everything runs in one transaction when available.
 */
async function persist(engine: CrudEngine, def: CrudEntity, row: Row, input: Record<string, unknown>, write: Write): Promise<Record<string, unknown>> {
  const run = async (e: CrudEngine): Promise<Record<string, unknown>> => {
    const around = e.aroundWrite ? await e.aroundWrite(def, row, input) : null;
    const stored = await write(e.writer, around ? around.row : row);
    if (around) await around.after(stored);
    return e.present(def, stored);
  };
  return engine.transaction && engine.aroundWrite ? engine.transaction(run) : run(engine);
}

function belongs(row: Row, scope: ParentScope | undefined): boolean {
  return scope === undefined || foreignIdOf(row, scope.field) === scope.parentId;
}

/** Forces the parent's foreign key onto a child written through a nested endpoint. */
function withScope(input: Record<string, unknown>, scope: ParentScope | undefined): Record<string, unknown> {
  return scope === undefined ? input : { ...input, [scope.field]: { id: scope.parentId } };
}

export async function listEntities(
  engine: CrudEngine, def: CrudEntity, query: URLSearchParams, basePath: string, scope?: ParentScope,
): Promise<PageBody> {
  const options = pageOptions(query, def.hasTags);
  const page = scope === undefined
    ? await engine.store.page(def.name, options)
    : await engine.store.pageByForeign(def.name, scope.field, scope.parentId, options);
  const data = await Promise.all(page.data.map((row) => engine.present(def, row)));
  // Nested collections build `next` without size/tags, as Kong does.
  return pageBody(page, data, basePath, scope === undefined ? query : null);
}

/** GET by id or endpoint key; 404 `Not found` when absent or not a child of `scope`. */
export async function findEntity(engine: CrudEngine, def: CrudEntity, key: string, scope?: ParentScope): Promise<Row> {
  const { row } = await locate(engine.store, def, key, scope);
  if (!row || !belongs(row, scope)) throw notFound();
  return row;
}

export async function getEntity(engine: CrudEngine, def: CrudEntity, key: string, scope?: ParentScope): Promise<Record<string, unknown>> {
  return engine.present(def, await findEntity(engine, def, key, scope));
}

export async function createEntity(
  engine: CrudEngine, def: CrudEntity, input: Record<string, unknown>, scope?: ParentScope,
): Promise<Record<string, unknown>> {
  const resolved = await resolveForeign(engine.store, engine.defs, def, withScope(input, scope));
  const row = await def.validate(resolved, 'insert');
  return persist(engine, def, row, input, (writer, r) => writer.insert(def.name, r));
}

/**
 * PUT: create or replace. A UUID key becomes the id; any other key is the endpoint key and wins
 * over the body. Replacing keeps the existing id when addressed by endpoint key.
 */
export async function upsertEntity(
  engine: CrudEngine, def: CrudEntity, key: string, input: Record<string, unknown>, scope?: ParentScope,
): Promise<Record<string, unknown>> {
  const { row: existing, byField } = await locate(engine.store, def, key, scope);
  if (existing && !belongs(existing, scope)) throw notFound();
  const body: Record<string, unknown> = { ...input };
  if (byField === null && isUuid(key)) {
    body.id = existing?.id ?? key.toLowerCase();
  } else if (byField !== null) {
    body[byField] = key;
    if (existing) body.id = existing.id;
    else delete body.id;
  } else {
    throw notFound();
  }
  const resolved = await resolveForeign(engine.store, engine.defs, def, withScope(body, scope));
  const row = await def.validate(resolved, 'upsert');
  return persist(engine, def, row, input, (writer, r) => writer.upsert(def.name, r, byField));
}

/** PATCH: merge onto the stored entity and revalidate; absent → 404 with Kong's err_t (code 6). */
export async function updateEntity(
  engine: CrudEngine, def: CrudEntity, key: string, input: Record<string, unknown>, scope?: ParentScope,
): Promise<Record<string, unknown>> {
  const { row: existing, byField } = await locate(engine.store, def, key, scope);
  if (!existing) {
    // Nested PATCH of a missing child is a plain 404, as the parent-scoped lookup fails first.
    if (scope !== undefined) throw notFound();
    throw notFoundError(byField, key);
  }
  if (!belongs(existing, scope)) throw notFound();
  const patch = { ...input };
  delete patch.id;
  const resolved = await resolveForeign(engine.store, engine.defs, def, withScope(patch, scope));
  const row = await def.validate(resolved, 'update', existing);
  return persist(engine, def, row, input, (writer, r) => writer.update(def.name, existing.id, r, byField));
}

/** DELETE is idempotent: an absent entity is already deleted (204). */
export async function deleteEntity(engine: CrudEngine, def: CrudEntity, key: string, scope?: ParentScope): Promise<void> {
  const { row, byField } = await locate(engine.store, def, key, scope);
  // Kong's DAO selects before deleting and returns early when nothing is there, so even DB-less
  // answers 204 for an absent entity; only an existing one reaches the refusing strategy.
  if (!row) return;
  if (!belongs(row, scope)) throw notFound();
  if (engine.deleteRow && await engine.deleteRow(def, row)) return;
  await engine.writer.delete(def.name, row.id, byField);
}
