// Kong's page semantics (kong/db/dao/init.lua validate_size, strategies/postgres page): pages
// are ordered by primary key, `size` is 1..1000 (default 100) and the offset is an opaque
// URL-safe base64 (no padding) JSON array holding the last primary key of the previous page.
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { Page, PageOptions, Row } from '../types.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function validatePageSize(size: unknown): number {
  if (size === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof size !== 'number' || Number.isNaN(size)) {
    throw new KongError(ErrorCode.INVALID_SIZE, 'size must be a number');
  }
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new KongError(ErrorCode.INVALID_SIZE, `size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

export function encodeOffset(lastId: string): string {
  return Buffer.from(JSON.stringify([lastId]), 'utf8').toString('base64url');
}

const BASE64_RE = /^[A-Za-z0-9_\-+/]+={0,2}$/;

/** The last primary key carried by an offset token. */
export function decodeOffset(token: string): string {
  if (!BASE64_RE.test(token) || token.replace(/=+$/, '').length % 4 === 1) {
    throw new KongError(ErrorCode.INVALID_OFFSET, `'${token}' is not a valid offset: bad base64 encoding`);
  }
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') {
    throw new KongError(ErrorCode.INVALID_OFFSET, `'${decoded}' is not a valid offset: bad json encoding`);
  }
  return parsed[0];
}

export function matchesTags(row: Row, filter: PageOptions['tags']): boolean {
  if (!filter || filter.values.length === 0) return true;
  const tags = Array.isArray(row.tags) ? (row.tags as unknown[]) : [];
  return filter.mode === 'and'
    ? filter.values.every((tag) => tags.includes(tag))
    : filter.values.some((tag) => tags.includes(tag));
}

/** First index in sorted `ids` strictly after `after` (binary search). */
function startIndex(ids: readonly string[], after: string | null): number {
  if (after === null) return 0;
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * One page over ids in primary-key order. `load` returns the row for an id; `accept` filters
 * (foreign scope). An offset is only handed out when at least one more matching row follows.
 */
export function pageRows(
  ids: readonly string[],
  load: (id: string) => Row,
  accept: (row: Row) => boolean,
  options: PageOptions | undefined,
): Page {
  const size = validatePageSize(options?.size);
  const after = options?.offset === undefined ? null : decodeOffset(options.offset);
  const data: Row[] = [];
  for (let i = startIndex(ids, after); i < ids.length; i++) {
    const row = load(ids[i]!);
    if (!accept(row) || !matchesTags(row, options?.tags)) continue;
    if (data.length === size) return { data, offset: encodeOffset(data[data.length - 1]!.id) };
    data.push(row);
  }
  return { data };
}
