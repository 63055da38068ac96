// The one Store interface every adapter (memory, sqlite, postgres) implements. Rows are plain
// entity objects in Kong's Admin API shape; foreign keys are `{id}` objects.
import type { EntitySet } from '../entities/types.ts';

export type Row = Record<string, unknown> & { id: string };

export interface PageOptions {
  /** 1..1000, default 100. */
  size?: number;
  /** Opaque offset token from a previous page. */
  offset?: string;
  /** Tag filter: all of (`and`) or any of (`or`). */
  tags?: { mode: 'and' | 'or'; values: string[] };
}

export interface Page<T extends Row = Row> {
  data: T[];
  /** Present when more rows follow. */
  offset?: string;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /** Monotonic configuration version; bumps on every committed change. */
  version(): number;
  select(table: string, id: string): Promise<Row | null>;
  selectByUnique(table: string, field: string, value: unknown): Promise<Row | null>;
  page(table: string, options?: PageOptions): Promise<Page>;
  pageByForeign(table: string, foreignField: string, foreignId: string, options?: PageOptions): Promise<Page>;
  /** Every row of a table, in primary-key order (snapshot building, export). */
  all(table: string): Promise<Row[]>;
  insert(table: string, row: Row): Promise<Row>;
  update(table: string, id: string, row: Row): Promise<Row>;
  upsert(table: string, row: Row): Promise<Row>;
  delete(table: string, id: string): Promise<void>;
  /** Replace the whole content atomically (DB-less POST /config, declarative load). */
  replaceAll(entities: EntitySet): Promise<void>;
  /** Run several writes atomically: all or none. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Persistent adapters: be told when the stored configuration changes — committed by this
   * instance or by another one (worker, process, cluster node). Returns an unsubscribe function.
   * The listener gets the new version.
   */
  onChange?(listener: (version: number) => void): () => void;
  close(): Promise<void>;
}
