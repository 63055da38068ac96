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
import { isExpired, nowSeconds, toOutputRow, toStoredRow } from './ttl.ts';

export interface MemoryStoreOptions {
  /**
   * Constraint metadata per table. Defaults to the core entity definitions; plugin-owned tables
   * (credentials) can be added so that e.g. deleting a consumer cascades to its key-auth keys.
   */
  relations?: Record<string, RelationSource>;
  /** Clock in epoch seconds (ttl expiry); tests pass a fake one. */
  now?: () => number;
  /**
   * Keep the initial rows instead of copying them. Only for a caller that hands over rows nobody
   * else mutates (a worker's freshly deserialized DB-less config): at 10,000 routes the copy is
   * several MB per worker.
   */
  adoptInitial?: boolean;
}

/** Rows cross the store boundary as copies: callers may decorate what they read. */
function copy<T>(value: T): T {
  return structuredClone(value);
}

function buildState(relations: RelationMap, entities: EntitySet | Record<string, Array<Record<string, unknown>>>, now: number, adopt: boolean): MemoryState {
  const state = new MemoryState(relations);
  for (const [table, rows] of Object.entries(entities)) {
    for (const row of rows) state.insert(table, toStoredRow((adopt ? row : copy(row)) as Row, now), false);
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

  private readonly clock: () => number;

  constructor(state: MemoryState, versionNumber: number, clock: () => number) {
    this.state = state;
    this.versionNumber = versionNumber;
    this.clock = clock;
  }

  version(): number {
    return this.versionNumber;
  }

  async select(table: string, id: string): Promise<Row | null> {
    return this.visible(this.state.get(table, id));
  }

  async selectByUnique(table: string, field: string, value: unknown): Promise<Row | null> {
    return this.visible(this.state.findUnique(table, field, value) ?? undefined);
  }

  async page(table: string, options?: PageOptions): Promise<Page> {
    return this.pageWhere(table, () => true, options);
  }

  async pageByForeign(table: string, foreignField: string, foreignIdValue: string, options?: PageOptions): Promise<Page> {
    return this.pageWhere(table, (row) => foreignId(row[foreignField]) === foreignIdValue, options);
  }

  async all(table: string): Promise<Row[]> {
    const now = this.clock();
    return this.state.rows(table).filter((row) => !isExpired(row, now)).map((row) => toOutputRow(row, now));
  }

  insert(table: string, row: Row): Promise<Row> {
    return this.write((now) => {
      const stored = toStoredRow(copy(row), now);
      this.state.insert(table, stored);
      return toOutputRow(stored, now);
    });
  }

  update(table: string, id: string, row: Row): Promise<Row> {
    return this.write((now) => {
      this.state.update(table, id, toStoredRow(copy(row), now, this.state.get(table, id)));
      return toOutputRow(this.state.get(table, id)!, now);
    });
  }

  upsert(table: string, row: Row): Promise<Row> {
    return this.write((now) => {
      const stored = toStoredRow(copy(row), now);
      this.state.upsert(table, stored);
      return toOutputRow(stored, now);
    });
  }

  async delete(table: string, id: string): Promise<void> {
    await this.exclusive(async () => {
      this.assertOpen();
      this.state.purgeExpired(this.clock());
      if (this.state.remove(table, id)) this.versionNumber++;
    });
  }

  async replaceAll(entities: EntitySet): Promise<void> {
    await this.write(() => {
      this.state = buildState(this.state.relations, entities, this.clock(), false);
    });
  }

  /**
   * Writes inside `work` must go through `tx`: the store's own write queue is held until the
   * transaction settles, so awaiting a write on the outer store from inside would never finish.
   */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.assertOpen();
      const tx = new MemoryStore(this.state.clone(), this.versionNumber, this.clock);
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

  private visible(row: Row | undefined): Row | null {
    const now = this.clock();
    return row && !isExpired(row, now) ? toOutputRow(row, now) : null;
  }

  private pageWhere(table: string, accept: (row: Row) => boolean, options?: PageOptions): Page {
    const state = this.state;
    const now = this.clock();
    const live = (row: Row) => !isExpired(row, now) && accept(row);
    const page = pageRows(state.sortedIds(table), (id) => state.get(table, id)!, live, options);
    return { ...page, data: page.data.map((row) => toOutputRow(row, now)) };
  }

  /**
   * A committed change: bumps the version only when `apply` succeeds. Expired rows are purged
   * first so they neither block unique values nor count as existing.
   */
  private write<T>(apply: (now: number) => T): Promise<T> {
    return this.exclusive(async () => {
      this.assertOpen();
      const now = this.clock();
      this.state.purgeExpired(now);
      const result = apply(now);
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
  const clock = options?.now ?? nowSeconds;
  return new MemoryStore(initial ? buildState(relations, initial, clock(), options?.adoptInitial === true) : new MemoryState(relations), 0, clock);
}
