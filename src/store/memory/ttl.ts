// Rows written with a `ttl` (Kong's ttl-enabled entities: key-auth credentials, oauth2 tokens):
// the store keeps the absolute expiry, hides the row once it has passed and shows the remaining
// whole seconds as `ttl` on reads (Kong's Postgres strategy: FLOOR(ttl - now)). `ttl: 0` or
// null means no expiry.
import type { Row } from '../types.ts';

/** Internal expiry column (epoch seconds); field names never start with `@`. */
export const EXPIRES_AT = '@expires_at';

export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** The row as stored: `ttl` becomes an absolute expiry; `previous` keeps its expiry when ttl is absent (update). */
export function toStoredRow(row: Row, now: number, previous?: Row): Row {
  const { ttl, ...rest } = row as Row & { ttl?: unknown };
  delete (rest as Record<string, unknown>)[EXPIRES_AT];
  if (typeof ttl === 'number' && ttl > 0) return { ...rest, [EXPIRES_AT]: now + ttl } as Row;
  if (ttl === undefined && previous && typeof previous[EXPIRES_AT] === 'number') {
    return { ...rest, [EXPIRES_AT]: previous[EXPIRES_AT] } as Row;
  }
  return rest as Row;
}

export function isExpired(row: Row, now: number): boolean {
  const expiresAt = row[EXPIRES_AT];
  return typeof expiresAt === 'number' && expiresAt <= now;
}

/** A caller's copy of a stored row (assumed not expired). */
export function toOutputRow(row: Row, now: number): Row {
  const copy = structuredClone(row);
  const expiresAt = copy[EXPIRES_AT];
  if (typeof expiresAt !== 'number') return copy;
  delete copy[EXPIRES_AT];
  return { ...copy, ttl: Math.max(0, Math.floor(expiresAt - now)) };
}
