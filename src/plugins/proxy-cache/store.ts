// The memory strategy (kong/plugins/proxy-cache/strategies/memory.lua): cached responses in a
// node-wide shared dictionary (kong.dictionaries, Kong's lua_shared_dict `kong_db_cache` by
// default), so every worker of the node sees the same entries and a purge reaches them all.
import type { SharedDictionaries } from '../../pdk/index.ts';

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

/** Dictionary entries are namespaced so proxy-cache never collides with other users of a dictionary. */
const entryKey = (key: string): string => `proxy-cache:${key}`;

/**
 * Stores `value` under `key` for `ttlSeconds`.
 * @example
 * await storeResponse(kong.dictionaries, 'kong_db_cache', key, entry, 300);
 */
export function storeResponse(dictionaries: SharedDictionaries, dictionary: string, key: string, value: CachedResponse, ttlSeconds: number): Promise<void> {
  return dictionaries.set(dictionary, entryKey(key), value, ttlSeconds);
}

/**
 * The live entry for `key`, or null ("request object not in cache").
 * @example
 * const hit = await fetchResponse(kong.dictionaries, 'kong_db_cache', key);
 */
export async function fetchResponse(dictionaries: SharedDictionaries, dictionary: string, key: string): Promise<CachedResponse | null> {
  const entry = await dictionaries.get(dictionary, entryKey(key)) as CachedResponse | null;
  if (entry === null || entry === undefined) return null;
  // Across IPC a Buffer arrives as a plain Uint8Array view.
  const body = entry.body as Uint8Array;
  return Buffer.isBuffer(body) ? entry : { ...entry, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
}

/**
 * Removes one entry; true when it was there.
 * @example
 * await purgeResponse(kong.dictionaries, 'kong_db_cache', key);
 */
export function purgeResponse(dictionaries: SharedDictionaries, dictionary: string, key: string): Promise<boolean> {
  return dictionaries.delete(dictionary, entryKey(key));
}

/**
 * Empties a dictionary (DELETE /proxy-cache; Kong's memory strategy flushes its whole dictionary).
 * @example
 * await flushResponses(kong.dictionaries, 'kong_db_cache');
 */
export function flushResponses(dictionaries: SharedDictionaries, dictionary: string): Promise<void> {
  return dictionaries.flush(dictionary);
}
