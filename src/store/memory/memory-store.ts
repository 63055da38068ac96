// The in-memory Store: backs DB-less mode (a declarative config is loaded with replaceAll) and
// serves as the reference adapter for the conformance suite. Writes are serialised through one
// queue so a transaction (which works on a copy-on-write clone) cannot interleave with other
// writes; reads never wait and always see the last committed state.
import type { EntitySet } from '../../entities/types.ts';
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { Page, PageOptions, Row, Store } from '../types.ts';
import { defaultRelationSources } from './default-relations.ts';
import { pageRows } from './paging.ts';
import { buildRelations, foreignId } from './relations.ts';
import type { RelationMap, RelationSource } from './relations.ts';
import { MemoryState } from './state.ts';

export interface MemoryStoreOptions {
  /**
   * Constraint metadata per table. Defaults to the core entity definitions; plugin-owned tables
   * (credentials) can be added so that e.g. deleting a consumer cascades to its key-auth keys.
   */
  relations?: Record<string, RelationSource>;
}

/** Rows cross the store boundary as copies: callers may decorate what they read. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

function buildState(relations: RelationMap, entities: EntitySet | Record<string, Array<Record<string, unknown>>>): MemoryState {
  const state = new MemoryState(relations);
  for (const [table, rows] of Object.entries(entities)) {
    for (const row of rows) state.insert(table, copy(row) as Row, false);
  }
  // Foreign keys are checked once everything is in, so sections may come in any order.
  state.checkAllForeign();
  return state;
}

class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private state: MemoryState;
  private versionNumber: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set on transaction handles once their work has settled. */
  private finished = false;

  constructor(state: MemoryState, versionNumber: number) {
    this.state = state;
    this.versionNumber = versionNumber;
  }

  version(): number {
    return this.versionNumber;
  }

  async select(table: string, id: string): Promise<Row | null> {
    const row = this.state.get(table, id);
    return row ? copy(row) : null;
  }

  async selectByUnique(table: string, field: string, value: unknown): Promise<Row | null> {
    const row = this.state.findUnique(table, field, value);
    return row ? copy(row) : null;
  }

  async page(table: string, options?: PageOptions): Promise<Page> {
    return this.pageWhere(table, () => true, options);
  }

  async pageByForeign(table: string, foreignField: string, foreignIdValue: string, options?: PageOptions): Promise<Page> {
    return this.pageWhere(table, (row) => foreignId(row[foreignField]) === foreignIdValue, options);
  }

  async all(table: string): Promise<Row[]> {
    return copy(this.state.rows(table));
  }

  insert(table: string, row: Row): Promise<Row> {
    return this.write(() => {
      const stored = copy(row);
      this.state.insert(table, stored);
      return copy(stored);
    });
  }

  update(table: string, id: string, row: Row): Promise<Row> {
    return this.write(() => {
      this.state.update(table, id, copy(row));
      return copy(this.state.get(table, id)!);
    });
  }

  upsert(table: string, row: Row): Promise<Row> {
    return this.write(() => {
      const stored = copy(row);
      this.state.upsert(table, stored);
      return copy(stored);
    });
  }

  async delete(table: string, id: string): Promise<void> {
    await this.exclusive(async () => {
      this.assertOpen();
      if (this.state.remove(table, id)) this.versionNumber++;
    });
  }

  async replaceAll(entities: EntitySet): Promise<void> {
    await this.write(() => {
      this.state = buildState(this.state.relations, entities);
    });
  }

  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.assertOpen();
      const tx = new MemoryStore(this.state.clone(), this.versionNumber);
      try {
        const result = await work(tx);
        // Wait for writes the work started but did not await, so none is lost or half-applied.
        await tx.queue;
        if (tx.versionNumber !== this.versionNumber) {
          this.state = tx.state;
          this.versionNumber++;
        }
        return result;
      } finally {
        tx.finished = true;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private pageWhere(table: string, accept: (row: Row) => boolean, options?: PageOptions): Page {
    const state = this.state;
    const page = pageRows(state.sortedIds(table), (id) => state.get(table, id)!, accept, options);
    return { ...page, data: copy(page.data) };
  }

  /** A committed change: bumps the version only when `apply` succeeds. */
  private write<T>(apply: () => T): Promise<T> {
    return this.exclusive(async () => {
      this.assertOpen();
      const result = apply();
      this.versionNumber++;
      return result;
    });
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private assertOpen(): void {
    if (this.finished) {
      throw new KongError(ErrorCode.DATABASE_ERROR, 'transaction already finished: writes must complete inside the transaction callback');
    }
  }
}

export function createMemoryStore(initial?: EntitySet, options?: MemoryStoreOptions): Store {
  const relations = buildRelations(options?.relations ?? defaultRelationSources());
  return new MemoryStore(initial ? buildState(relations, initial) : new MemoryState(relations), 0);
}
