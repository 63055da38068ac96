// The memory strategy (kong/plugins/proxy-cache/strategies/memory.lua): cached responses per
// dictionary name, each expiring after its storage ttl. Held in this process, shared by every
// proxy-cache plugin instance using the same dictionary (as Kong shares one shm).

/**
 * A cached response as Kong stores it (and the Admin API shows it).
 * @example
 * const entry: CachedResponse = { status: 200, headers: {}, body: Buffer.from('ok'), body_len: 2, timestamp: 1, ttl: 300, version: 1, req_body: '' };
 */
export interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  body_len: number;
  /** Seconds since the epoch when it was stored. */
  timestamp: number;
  ttl: number;
  version: number;
  req_body: string;
}

/** Kong's CACHE_VERSION: entries of another format are purged on read. */
export const CACHE_VERSION = 1;

interface Slot { value: CachedResponse; expiresAt: number }

const dictionaries = new Map<string, Map<string, Slot>>();

function dictionary(name: string): Map<string, Slot> {
  let found = dictionaries.get(name);
  if (found === undefined) dictionaries.set(name, (found = new Map()));
  return found;
}

/**
 * Stores `value` under `key` for `ttlSeconds`.
 * @example
 * storeResponse('kong_db_cache', key, entry, 300);
 */
export function storeResponse(dictionaryName: string, key: string, value: CachedResponse, ttlSeconds: number): void {
  dictionary(dictionaryName).set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
}

/**
 * The live entry for `key`, or null ("request object not in cache").
 * @example
 * const hit = fetchResponse('kong_db_cache', key);
 */
export function fetchResponse(dictionaryName: string, key: string): CachedResponse | null {
  const slots = dictionary(dictionaryName);
  const slot = slots.get(key);
  if (slot === undefined) return null;
  if (slot.expiresAt <= Date.now()) {
    slots.delete(key);
    return null;
  }
  return slot.value;
}

/**
 * Removes one entry; true when it was there.
 * @example
 * purgeResponse('kong_db_cache', key);
 */
export function purgeResponse(dictionaryName: string, key: string): boolean {
  const slots = dictionary(dictionaryName);
  const live = fetchResponse(dictionaryName, key) !== null;
  slots.delete(key);
  return live;
}

/**
 * Empties a dictionary (DELETE /proxy-cache).
 * @example
 * flushResponses('kong_db_cache');
 */
export function flushResponses(dictionaryName: string): void {
  dictionary(dictionaryName).clear();
}
