// Upstream URLs parsed once, not per request: an AI route sends every request to the same few
// URLs (the provider's base, a configured upstream_url), and WHATWG parsing costs more than the
// rest of composing the target. The cache is bounded because client queries and templated model
// options can make URLs vary per request.

export interface ParsedUrl {
  /** `http:` or `https:` (WHATWG `protocol`). */
  readonly protocol: string;
  /** Host name without IPv6 brackets, as a socket address wants it. */
  readonly address: string;
  /** The explicit port, '' for the scheme's default (WHATWG `port`). */
  readonly port: string;
  /** `host[:port]` as WHATWG `host` (brackets kept): the Host header value. */
  readonly host: string;
  readonly origin: string;
  /** Still percent-encoded. */
  readonly pathname: string;
  /** The query without '?', '' when none. */
  readonly query: string;
  /** Decoded query pairs in order. */
  readonly searchParams: readonly (readonly [string, string])[];
}

const MAX_ENTRIES = 512;
let cache = new Map<string, ParsedUrl>();

function parse(text: string): ParsedUrl {
  const url = new URL(text);
  return Object.freeze({
    protocol: url.protocol,
    address: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port,
    host: url.host,
    origin: url.origin,
    pathname: url.pathname,
    query: url.search.startsWith('?') ? url.search.slice(1) : url.search,
    searchParams: Object.freeze([...url.searchParams].map((pair) => Object.freeze(pair) as readonly [string, string])),
  });
}

/** `new URL(text)` as a read-only record; throws like `new URL` on an invalid URL. */
export function parsedUrl(text: string): ParsedUrl {
  const known = cache.get(text);
  if (known !== undefined) return known;
  const parsed = parse(text);
  // Dropping everything at the bound keeps the lookup a plain Map hit; the hot URLs come back on the next request.
  if (cache.size >= MAX_ENTRIES) cache = new Map();
  cache.set(text, parsed);
  return parsed;
}
