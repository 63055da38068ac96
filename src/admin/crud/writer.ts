// The write side of the generated endpoints. In DB-less mode every write is refused exactly at
// the point Kong's `off` strategy refuses it (kong/db/strategies/off/init.lua: after lookups and
// validation, at the storage call), so a missing parent still answers 404 and an invalid body
// 400 before the 405 `operation unsupported`.
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { Row, Store } from '../../store/types.ts';

type Verb = 'create' | 'update' | 'create or update' | 'remove';

function unsupported(table: string, verb: Verb, byField: string | null): KongError {
  const by = byField === null ? '' : ` by '${byField}'`;
  return new KongError(ErrorCode.OPERATION_UNSUPPORTED, `cannot ${verb} '${table}' entities${by} when not using a database`);
}

export interface EntityWriter {
  insert(table: string, row: Row): Promise<Row>;
  /** `byField` names the endpoint key when the URL addressed the entity by it (not by id). */
  update(table: string, id: string, row: Row, byField: string | null): Promise<Row>;
  upsert(table: string, row: Row, byField: string | null): Promise<Row>;
  delete(table: string, id: string, byField: string | null): Promise<void>;
}

export function createWriter(store: Store, dbless: boolean): EntityWriter {
  if (dbless) {
    return {
      insert: async (table) => { throw unsupported(table, 'create', null); },
      update: async (table, _id, _row, byField) => { throw unsupported(table, 'update', byField); },
      upsert: async (table, _row, byField) => { throw unsupported(table, 'create or update', byField); },
      delete: async (table, _id, byField) => { throw unsupported(table, 'remove', byField); },
    };
  }
  return {
    insert: (table, row) => store.insert(table, row),
    update: (table, id, row) => store.update(table, id, row),
    upsert: (table, row) => store.upsert(table, row),
    delete: (table, id) => store.delete(table, id),
  };
}
