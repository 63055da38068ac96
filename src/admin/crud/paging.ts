// Page options from the query string and the `next` link, per kong/api/endpoints.lua
// (extract_options, get_collection_endpoint): `size` is checked here (code 9), `tags` becomes an
// AND (`a,b`) or OR (`a/b`) filter of at most 5 valid tags (code 11), the offset is handed to the
// store, which answers code 7 for a token it cannot read.
import { ErrorCode, KongError } from '../../core/errors.ts';
import type { Page, PageOptions, Row } from '../../store/types.ts';

const MAX_TAGS = 5;
const MAX_SIZE = 1000;

/** ngx.escape_uri: everything but unreserved characters is percent-encoded (incl. `!'()*`). */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A tag Kong's `tags` typedef accepts: printable ASCII except `,` and `/`, or UTF-8 beyond ASCII. */
export function isValidTag(tag: string): boolean {
  if (tag.length === 0) return false;
  for (const ch of tag) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (cp < 0x80 && (cp < 0x20 || cp === 0x7f || ch === ',' || ch === '/')) return false;
  }
  return true;
}

function invalidOption(message: string): KongError {
  return new KongError(ErrorCode.INVALID_OPTIONS, `invalid option (tags: ${message})`, { tags: message });
}

export function parseSize(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isNaN(n)) throw new KongError(ErrorCode.INVALID_SIZE, 'size must be a number');
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIZE) {
    throw new KongError(ErrorCode.INVALID_SIZE, `size must be an integer between 1 and ${MAX_SIZE}`);
  }
  return n;
}

export function parseTags(raw: string | null): PageOptions['tags'] {
  if (raw === null) return undefined;
  if (raw === '') throw invalidOption('cannot be null');
  const hasAnd = raw.includes(',');
  const hasOr = raw.includes('/');
  if (hasAnd && hasOr) throw invalidOption('invalid filter syntax');
  const values = raw.split(hasOr ? '/' : ',');
  if (values.length > MAX_TAGS) throw invalidOption(`cannot query more than ${MAX_TAGS} tags`);
  if (!values.every(isValidTag)) throw invalidOption('invalid filter syntax');
  return { mode: hasOr ? 'or' : 'and', values };
}

/** Page options of a list request; `withTags` is false for entities without a `tags` field. */
export function pageOptions(query: URLSearchParams, withTags: boolean): PageOptions {
  const options: PageOptions = {};
  const size = parseSize(query.get('size'));
  if (size !== undefined) options.size = size;
  const offset = query.get('offset');
  if (offset !== null && offset !== '') options.offset = offset;
  if (withTags) {
    const tags = parseTags(query.get('tags'));
    if (tags) options.tags = tags;
  }
  return options;
}

export interface PageBody {
  data: unknown[];
  offset?: string;
  next: string | null;
}

/**
 * The list body. Top-level collections carry `tags`/`size` into `next`; nested collections
 * (`/services/x/routes`) do not, exactly as Kong builds them.
 */
export function pageBody(page: Page<Row>, data: unknown[], basePath: string, query: URLSearchParams | null): PageBody {
  if (page.offset === undefined) return { data, next: null };
  let next = `${basePath}?offset=${escapeUri(page.offset)}`;
  if (query) {
    const tags = query.get('tags');
    if (tags !== null) next += `&tags=${escapeUri(tags)}`;
    const size = query.get('size');
    if (size !== null) next += `&size=${escapeUri(size)}`;
  }
  return { data, offset: page.offset, next };
}
