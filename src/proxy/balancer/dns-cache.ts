// A per-resolver DNS cache with Kong's semantics (kong.conf dns_stale_ttl / dns_not_found_ttl /
// dns_error_ttl): answers live for their TTL, then are served stale while one background query
// refreshes them; a failed refresh keeps the last good answer until the stale window ends;
// failures are cached negatively so a dead name is not queried on every request.

import { BalancerError, nameResolutionFailed, resolveFailed } from './errors.ts';
import { isNotFound } from './system-resolver.ts';
import type { DnsRecord, DnsResolver } from './types.ts';

export interface DnsAnswer {
  readonly name: string;
  readonly records: readonly DnsRecord[];
  /** Epoch ms after which the answer is stale (min TTL of its records). */
  readonly expiresAt: number;
}

export interface DnsCacheOptions {
  now?: () => number;
  /** Seconds an expired answer may still be served (Kong dns_stale_ttl, default 3600). */
  staleTtl?: number;
  /** Seconds NXDOMAIN/empty answers are cached (Kong dns_not_found_ttl, default 30). */
  notFoundTtl?: number;
  /** Seconds other failures are cached (Kong dns_error_ttl, default 1). */
  errorTtl?: number;
  /** Upper bound on cached names; names come from config, this only guards against leaks. */
  maxEntries?: number;
}

interface Entry {
  answer: DnsAnswer | null;
  error: BalancerError | null;
  errorUntil: number;
  pending: Promise<DnsAnswer> | null;
}

export class DnsCache {
  readonly #resolver: DnsResolver;
  readonly #now: () => number;
  readonly #staleMs: number;
  readonly #notFoundMs: number;
  readonly #errorMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(resolver: DnsResolver, options: DnsCacheOptions = {}) {
    this.#resolver = resolver;
    this.#now = options.now ?? Date.now;
    this.#staleMs = (options.staleTtl ?? 3600) * 1000;
    this.#notFoundMs = (options.notFoundTtl ?? 30) * 1000;
    this.#errorMs = (options.errorTtl ?? 1) * 1000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The answer for `name`: synchronous when cached (fresh, or stale while a refresh runs),
   * a promise only when nothing usable is cached. Throws/rejects BalancerError('dns').
   */
  lookup(name: string): DnsAnswer | Promise<DnsAnswer> {
    const key = name.toLowerCase();
    const entry = this.#entries.get(key);
    if (!entry) return this.#query(key, this.#newEntry(key));
    const now = this.#now();
    const answer = entry.answer;
    if (answer && now < answer.expiresAt) return answer;
    const usableStale = answer !== null && now < answer.expiresAt + this.#staleMs;
    if (entry.error && now < entry.errorUntil) {
      if (usableStale) return answer;
      throw entry.error;
    }
    if (usableStale) {
      if (!entry.pending) void this.#query(key, entry).catch(() => undefined);
      return answer;
    }
    return entry.pending ?? this.#query(key, entry);
  }

  /** The refresh in flight for `name`, if any (a balancer uses it to pick up the new answer). */
  pending(name: string): Promise<DnsAnswer> | null {
    return this.#entries.get(name.toLowerCase())?.pending ?? null;
  }

  #newEntry(key: string): Entry {
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const entry: Entry = { answer: null, error: null, errorUntil: 0, pending: null };
    this.#entries.set(key, entry);
    return entry;
  }

  #query(key: string, entry: Entry): Promise<DnsAnswer> {
    let query: Promise<DnsRecord[]>;
    try {
      query = this.#resolver.resolve(key);
    } catch (error) {
      query = Promise.reject(error); // a resolver that throws synchronously still fails like DNS
    }
    const pending = query.then(
      (records) => {
        if (records.length === 0) throw Object.assign(new Error('empty record received'), { code: 'ENODATA' });
        const ttl = Math.max(0, Math.min(...records.map((r) => r.ttl)));
        const answer: DnsAnswer = { name: key, records, expiresAt: this.#now() + ttl * 1000 };
        entry.answer = answer;
        entry.error = null;
        entry.pending = null;
        return answer;
      },
    ).catch((cause: unknown) => {
      entry.pending = null;
      const notFound = isNotFound(cause);
      const error = cause instanceof BalancerError ? cause : notFound ? nameResolutionFailed() : resolveFailed(key, cause);
      const now = this.#now();
      entry.error = error;
      entry.errorUntil = now + (notFound ? this.#notFoundMs : this.#errorMs);
      // Keep serving the last good answer through the stale window (Kong's stale_ttl).
      if (entry.answer && now < entry.answer.expiresAt + this.#staleMs) return entry.answer;
      throw error;
    });
    entry.pending = pending;
    return pending;
  }
}

const caches = new WeakMap<DnsResolver, DnsCache>();

/**
 * The one cache per resolver, shared by every balancer and resolvePeer call that uses it, so a
 * name is queried once per TTL per process. The first caller's clock is the cache's clock.
 */
export function cacheFor(resolver: DnsResolver, now?: () => number): DnsCache {
  let cache = caches.get(resolver);
  if (!cache) {
    cache = new DnsCache(resolver, now ? { now } : {});
    caches.set(resolver, cache);
  }
  return cache;
}
