// kong.request: read-only access to the client's request (kong/pdk/request.lua).
import { decodeBody, type ParsedBody } from './body.ts';
import type { PluginRequestContext } from './context.ts';
import { memoizeNames } from './name-cache.ts';

/**
 * A query argument: `true` for a bare key, arrays for repeats.
 * @example
 * const page: QueryValue | undefined = kong.request.get_query().page;
 */
export type QueryValue = string | boolean | Array<string | boolean>;

/**
 * Kong's get_header accepts underscores for dashes and any case.
 * @example
 * headerKey('X_Api_Key'); // 'x-api-key'
 */
export const headerKey: (name: string) => string = memoizeNames((name) => name.toLowerCase().replaceAll('_', '-'));

/**
 * Parses a raw query like ngx.req.get_uri_args: `?a` → true, `?a=` → '', repeats → arrays.
 * @example
 * parseQuery('a=1&a=2&flag'); // { a: ['1', '2'], flag: true }
 */
export function parseQuery(raw: string, maxArgs = 100): Record<string, QueryValue> {
  const out = Object.create(null) as Record<string, QueryValue>;
  if (raw === '') return out;
  let count = 0;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    if (count++ >= maxArgs) break;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    const value: string | boolean = eq === -1 ? true : decode(part.slice(eq + 1));
    const current = out[key];
    if (current === undefined) out[key] = value;
    else out[key] = Array.isArray(current) ? [...current, value] : [current, value];
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * kong.request.
 * @example
 * access(kong) { if (kong.request.get_header('x-api-key') === undefined) return kong.response.error(401); }
 */
export class RequestApi {
  private readonly ctx: PluginRequestContext;
  private query: Record<string, QueryValue> | null = null;

  constructor(ctx: PluginRequestContext) {
    this.ctx = ctx;
  }

  get_scheme(): string { return this.ctx.request.scheme; }
  get_host(): string { return this.ctx.request.host; }
  get_port(): number { return this.ctx.request.port; }
  get_forwarded_scheme(): string { return this.ctx.request.forwardedScheme; }
  get_forwarded_host(): string { return this.ctx.request.forwardedHost; }
  get_forwarded_port(): number { return this.ctx.request.forwardedPort; }
  get_forwarded_path(): string { return this.ctx.request.forwardedPath; }
  get_method(): string { return this.ctx.request.method; }
  get_path(): string { return this.ctx.request.path; }
  get_raw_query(): string { return this.ctx.request.rawQuery; }
  get_raw_path(): string { return this.ctx.request.rawPath ?? this.ctx.request.path; }
  get_http_version(): number { return this.ctx.request.httpVersion ?? 1.1; }
  get_start_time(): number { return this.ctx.request.startTime ?? 0; }

  /** Captures of the matched route's regex path: `unnamed[0]` is the whole match (Kong). */
  get_uri_captures(): { unnamed: string[]; named: Record<string, string> } {
    return this.ctx.request.uriCaptures ?? { unnamed: [], named: {} };
  }

  get_path_with_query(): string {
    const query = this.ctx.request.rawQuery;
    return query === '' ? this.ctx.request.path : `${this.ctx.request.path}?${query}`;
  }

  /** Query arguments; the first 100 unless max_args says otherwise. */
  get_query(max_args = 100): Record<string, QueryValue> {
    if (max_args !== 100) return parseQuery(this.ctx.request.rawQuery, max_args);
    this.query ??= parseQuery(this.ctx.request.rawQuery);
    return this.query;
  }

  /** First value of a query argument (arrays give their first element). */
  get_query_arg(name: string): string | boolean | undefined {
    const value = this.get_query()[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** First value of a header; the name is case-insensitive and `_` matches `-`. */
  get_header(name: string): string | undefined {
    const value = this.ctx.request.headers[headerKey(name)];
    return Array.isArray(value) ? value[0] : value;
  }

  /** All headers by lower-case name (repeated ones as arrays). */
  get_headers(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(this.ctx.request.headers)) if (value !== undefined) out[name] = value;
    return out;
  }

  /** The whole body (buffered by the proxy on first use). */
  get_raw_body(): Promise<Buffer> {
    return this.ctx.request.readBody();
  }

  /**
   * The decoded body (JSON, urlencoded or multipart form), or null when absent or undecodable
   * (the reason goes to get_body_error for Lua-style callers).
   */
  async get_body(mimetype?: string, max_args = 100): Promise<ParsedBody | null> {
    const raw = await this.ctx.request.readBody();
    const result = decodeBody(raw, this.get_header('content-type'), mimetype, max_args);
    return result.err === null ? result.body : null;
  }

  /** Kong's `body, err, mimetype` triple of get_body. */
  async get_body_with_error(mimetype?: string, max_args = 100): Promise<[ParsedBody | null, string | null, string | null]> {
    const raw = await this.ctx.request.readBody();
    const result = decodeBody(raw, this.get_header('content-type'), mimetype, max_args);
    return [result.body, result.err, result.mimetype];
  }
}
