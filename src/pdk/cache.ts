// kong.cache: a node-local cache in front of the store, with Kong's mlcache semantics — a
// loader fills misses (concurrent misses share one load), a null result is cached as a miss
// for neg_ttl (negative caching), ttl 0 means "until invalidated" (db_cache_ttl = 0 default).
// Entries remember the tables they were read from, so the runtime can drop exactly those when
// entities change, or everything when a whole new config (DB-less) arrives.

/**
 * Per-call cache options (Kong's mlcache opts).
 * @example
 * await kong.cache.get(key, { ttl: 60, neg_ttl: 5 }, load);
 */
export interface CacheOptions {
  /** Seconds a hit stays; 0 = forever (Kong's db_cache_ttl default). */
  ttl?: number;
  /** Seconds a miss (null) stays; 0 = forever (db_cache_neg_ttl). */
  neg_ttl?: number;
  /** Entity tables the value was read from; defaults to the key's prefix before the first `:`. */
  tables?: readonly string[];
}

interface Entry {
  value: unknown;
  expiresAt: number;
  tables: readonly string[];
}

/**
 * Node-wide cache defaults and limits.
 * @example
 * new NodeCache({ ttl: settings.db_cache_ttl, neg_ttl: settings.db_cache_neg_ttl });
 */
export interface NodeCacheOptions {
  ttl?: number;
  neg_ttl?: number;
  /** Entries kept before the oldest are evicted (lua_shared_dict size analogue). */
  maxEntries?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * The node-local cache plugins reach as `kong.cache`.
 * @example
 * const credential = await kong.cache.get(kong.cache.cache_key('keyauth_credentials', key), null,
 *   () => findCredential(key));
 */
export class NodeCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly tokens = new Map<string, object>();
  private readonly ttl: number;
  private readonly negTtl: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private generation = 0;

  constructor(options: NodeCacheOptions = {}) {
    this.ttl = options.ttl ?? 0;
    this.negTtl = options.neg_ttl ?? 0;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Kong's cache key shape `<table>:<parts joined by :>`, tagged with the table for invalidation. */
  cache_key(table: string, ...parts: Array<string | number | null | undefined>): string {
    return `${table}:${parts.map((part) => part ?? '').join(':')}`;
  }

  /** The cached value without loading: [found, value]. */
  probe(key: string): [boolean, unknown] {
    const entry = this.entries.get(key);
    if (entry === undefined) return [false, undefined];
    if (entry.expiresAt !== 0 && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return [false, undefined];
    }
    return [true, entry.value];
  }

  /**
   * The value for `key`, loading it on a miss. A loader returning null/undefined is cached as
   * a miss for neg_ttl; a loader that throws caches nothing and rethrows.
   */
  async get<T>(key: string, options: CacheOptions | null, loader: () => T | null | undefined | Promise<T | null | undefined>): Promise<T | null> {
    const [found, value] = this.probe(key);
    if (found) return value as T | null;
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return (await inFlight) as T | null;
    const generation = this.generation;
    const token = {};
    const load = this.load(key, token, generation, options, loader);
    this.pending.set(key, load);
    this.tokens.set(key, token);
    return (await load) as T | null;
  }

  private async load(
    key: string, token: object, generation: number, options: CacheOptions | null, loader: () => unknown,
  ): Promise<unknown> {
    try {
      const loaded = (await loader()) ?? null;
      // A purge/invalidation during the load means the value may be stale: do not keep it.
      if (generation === this.generation && this.tokens.get(key) === token) this.store(key, loaded, options);
      return loaded;
    } finally {
      if (this.tokens.get(key) === token) {
        this.tokens.delete(key);
        this.pending.delete(key);
      }
    }
  }

  /** Stores a value directly. */
  set(key: string, value: unknown, options: CacheOptions | null = null): void {
    this.store(key, value ?? null, options);
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    this.pending.delete(key);
    this.tokens.delete(key);
  }

  /** Drops every entry read from any of `tables` (entity CRUD events). */
  invalidateTables(tables: Iterable<string>): void {
    const wanted = new Set(tables);
    for (const [key, entry] of this.entries) {
      if (entry.tables.some((table) => wanted.has(table))) this.entries.delete(key);
    }
    this.generation++;
    this.pending.clear();
    this.tokens.clear();
  }

  /** Drops everything (a new declarative config replaces all entities). */
  purge(): void {
    this.entries.clear();
    this.pending.clear();
    this.tokens.clear();
    this.generation++;
  }

  private store(key: string, value: unknown, options: CacheOptions | null): void {
    const seconds = value === null ? options?.neg_ttl ?? this.negTtl : options?.ttl ?? this.ttl;
    const colon = key.indexOf(':');
    const tables = options?.tables ?? (colon === -1 ? [] : [key.slice(0, colon)]);
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: seconds > 0 ? this.now() + seconds * 1000 : 0, tables });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
