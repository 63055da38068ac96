// The Store interface over a SQL backend (SQLite or Postgres). Writes of one store instance are
// serialised through a queue and each runs in its own database transaction that also bumps the
// persisted version row, so a write is atomic and durable before the caller (the Admin API)
// answers, and other instances see the change by reading that one row.
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { EntitySet } from '../../entities/types.ts';
import { DatabaseUnavailableError } from '../errors.ts';
import type { SqlSession } from '../migrations/dialect.ts';
import type { Page, PageOptions, Row, Store } from '../types.ts';
import { allRows, pageRows, selectByUniqueField, selectRow } from './sql-reads.ts';
import type { SqlTables } from './sql-tables.ts';
import { SqlWriter } from './sql-writes.ts';

export interface SqlBackend {
  readonly kind: 'sqlite' | 'postgres';
  readonly tables: SqlTables;
  /** Reads outside a transaction: the last committed state. */
  readSession(): SqlSession;
  /** BEGIN … fn … COMMIT, or ROLLBACK when fn throws. Called one at a time per store. */
  writeTransaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Bumps the persisted version inside the transaction; resolves to the new version. */
  bumpVersion(session: SqlSession): Promise<number>;
  /** A driver error that is not a constraint failure → DatabaseUnavailableError or KongError code 8. */
  translateError(error: unknown): Error;
  close(): Promise<void>;
}

interface TxContext {
  session: SqlSession;
  changed: boolean;
  finished: boolean;
  depth: number;
  /**
   * Writes inside the transaction run one after another (their statements and savepoints must
   * not interleave on the one connection), and all settle before COMMIT so none runs after it.
   */
  chain: Promise<unknown>;
}

/** Shared by the root store and its transaction handles. */
class SqlCore {
  readonly backend: SqlBackend;
  readonly writer: SqlWriter;
  currentVersion: number;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(version: number) => void>();

  constructor(backend: SqlBackend, version: number) {
    this.backend = backend;
    this.writer = new SqlWriter(backend.tables);
    this.currentVersion = version;
  }

  observe(version: number): void {
    if (version <= this.currentVersion) return;
    this.currentVersion = version;
    for (const listener of [...this.listeners]) {
      try {
        listener(version);
      } catch {
        // A failing listener must not stop the others from hearing about the change.
      }
    }
  }

  subscribe(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One write transaction at a time; the version bumps only when `work` changed something. */
  exclusive<T>(work: (tx: TxContext) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const tables = this.backend.tables;
      let bumped: number | null = null;
      try {
        const result = await this.backend.writeTransaction(async (session) => {
          const tx: TxContext = { session, changed: false, finished: false, depth: 0, chain: Promise.resolve() };
          try {
            const value = await work(tx);
            for (let settled: Promise<unknown> | null = null; settled !== tx.chain;) {
              settled = tx.chain;
              await settled;
            }
            if (tx.changed) bumped = await this.backend.bumpVersion(session);
            return value;
          } finally {
            tx.finished = true;
          }
        });
        tables.commitCreated();
        if (bumped !== null) this.observe(bumped);
        return result;
      } catch (error) {
        tables.forgetCreated();
        throw translate(this.backend, error);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async drain(): Promise<void> {
    await this.queue.catch(() => undefined);
  }
}

function translate(backend: SqlBackend, error: unknown): unknown {
  if (error instanceof KongError || error instanceof DatabaseUnavailableError) return error;
  return backend.translateError(error);
}

export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private readonly core: SqlCore;
  private readonly tx: TxContext | null;

  constructor(core: SqlCore, tx: TxContext | null) {
    this.core = core;
    this.kind = core.backend.kind;
    this.tx = tx;
  }

  version(): number {
    return this.core.currentVersion;
  }

  select(table: string, id: string): Promise<Row | null> {
    return this.read((session) => selectRow(this.core.backend.tables, session, table, id));
  }

  selectByUnique(table: string, field: string, value: unknown): Promise<Row | null> {
    return this.read((session) => selectByUniqueField(this.core.backend.tables, session, table, field, value));
  }

  page(table: string, options?: PageOptions): Promise<Page> {
    return this.read((session) => pageRows(this.core.backend.tables, session, table, options));
  }

  pageByForeign(table: string, foreignField: string, foreignId: string, options?: PageOptions): Promise<Page> {
    return this.read((session) => pageRows(this.core.backend.tables, session, table, options, { field: foreignField, id: foreignId }));
  }

  all(table: string): Promise<Row[]> {
    return this.read((session) => allRows(this.core.backend.tables, session, table));
  }

  insert(table: string, row: Row): Promise<Row> {
    return this.write(async (session) => structuredClone(await this.core.writer.insert(session, table, structuredClone(row))));
  }

  update(table: string, id: string, row: Row): Promise<Row> {
    return this.write(async (session) => structuredClone(await this.core.writer.update(session, table, id, structuredClone(row))));
  }

  upsert(table: string, row: Row): Promise<Row> {
    return this.write(async (session) => structuredClone(await this.core.writer.upsert(session, table, structuredClone(row))));
  }

  async delete(table: string, id: string): Promise<void> {
    await this.write((session) => this.core.writer.delete(session, table, id), (deleted) => deleted);
  }

  async replaceAll(entities: EntitySet): Promise<void> {
    await this.write((session) => this.core.writer.replaceAll(session, entities));
  }

  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    const outer = this.tx;
    if (outer) return this.nested(outer, work);
    return this.core.exclusive((tx) => work(new SqlStore(this.core, tx)));
  }

  onChange(listener: (version: number) => void): () => void {
    return this.core.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.tx) return;
    await this.core.drain();
    await this.core.backend.close();
  }

  /** A transaction inside a transaction: a savepoint, so a failed inner part can be caught. */
  private async nested<T>(tx: TxContext, work: (tx: Store) => Promise<T>): Promise<T> {
    this.assertOpen(tx);
    const name = `portico_nested_${++tx.depth}`;
    await tx.session.run(`SAVEPOINT ${name}`);
    try {
      const result = await work(this);
      await tx.session.run(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await tx.session.run(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    } finally {
      tx.depth--;
    }
  }

  private async read<T>(query: (session: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await query(this.tx ? this.tx.session : this.core.backend.readSession());
    } catch (error) {
      throw translate(this.core.backend, error);
    }
  }

  private write<T>(apply: (session: SqlSession) => Promise<T>, changed: (result: T) => boolean = () => true): Promise<T> {
    const tx = this.tx;
    if (tx) {
      this.assertOpen(tx);
      const result = tx.chain.then(() => apply(tx.session)).then((value) => {
        if (changed(value)) tx.changed = true;
        return value;
      }, (error: unknown) => {
        throw translate(this.core.backend, error);
      });
      tx.chain = result.catch(() => undefined);
      return result;
    }
    return this.core.exclusive(async (own) => {
      const result = await apply(own.session);
      if (changed(result)) own.changed = true;
      return result;
    });
  }

  private assertOpen(tx: TxContext): void {
    if (tx.finished) {
      throw new KongError(ErrorCode.DATABASE_ERROR, 'transaction already finished: writes must complete inside the transaction callback');
    }
  }
}

/** The root store over `backend`, starting at the persisted `version`. */
export function createSqlStore(backend: SqlBackend, version: number): { store: SqlStore; observe: (version: number) => void } {
  const core = new SqlCore(backend, version);
  return { store: new SqlStore(core, null), observe: (v) => core.observe(v) };
}
