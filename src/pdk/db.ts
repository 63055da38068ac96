// kong.db: the entity store as plugins see it (Kong's `kong.db.<table>` DAOs), for plugin-owned
// entities such as credentials and tokens. Plugins may not import the store (ARCHITECTURE.md
// layer table), so this is a structural subset of the Store interface: the runtime passes its
// Store as is, tests pass a memory Store.

/**
 * A stored row in Kong's Admin API shape.
 * @example
 * const row: DbRow = { id: '…', key: 'abc', consumer: { id: '…' } };
 */
export type DbRow = Record<string, unknown> & { id: string };

/**
 * The Store methods plugins may call. Rows whose ttl ran out are absent, as in Kong's DAO.
 * @example
 * const credential = await kong.db.selectByUnique('keyauth_credentials', 'key', key);
 */
export interface PdkDb {
  select(table: string, id: string): Promise<DbRow | null>;
  selectByUnique(table: string, field: string, value: unknown): Promise<DbRow | null>;
  pageByForeign(table: string, foreignField: string, foreignId: string, options?: { size?: number; offset?: string }):
    Promise<{ data: DbRow[]; offset?: string }>;
  insert(table: string, row: DbRow): Promise<DbRow>;
  update(table: string, id: string, row: DbRow): Promise<DbRow>;
  delete(table: string, id: string): Promise<void>;
}

function unavailable(): Promise<never> {
  return Promise.reject(new Error('kong.db is not available on this node'));
}

/**
 * kong.db when the runtime supplied none: every call rejects (callers treat it as a DB error).
 * @example
 * const db = environment.db ?? UNAVAILABLE_DB;
 */
export const UNAVAILABLE_DB: PdkDb = {
  select: unavailable,
  selectByUnique: unavailable,
  pageByForeign: unavailable,
  insert: unavailable,
  update: unavailable,
  delete: unavailable,
};

/**
 * A PdkDb that always reaches the store `current()` returns at call time (a worker swaps its
 * store when a new DB-less config arrives; plugin tables built earlier keep working).
 * @example
 * const environment = { …, db: currentStoreDb(() => this.store) };
 */
export function currentStoreDb(current: () => PdkDb): PdkDb {
  return {
    select: (table, id) => current().select(table, id),
    selectByUnique: (table, field, value) => current().selectByUnique(table, field, value),
    pageByForeign: (table, field, id, options) => current().pageByForeign(table, field, id, options),
    insert: (table, row) => current().insert(table, row),
    update: (table, id, row) => current().update(table, id, row),
    delete: (table, id) => current().delete(table, id),
  };
}
