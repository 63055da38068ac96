// Kong's proxy-cache key (kong/plugins/proxy-cache/cache_key.lua): SHA-256 hex of
// `<prefix>|<method>|<uri>|<params>|<headers>`. The prefix carries the consumer, so one
// consumer's cached response is never served to another or to an anonymous caller.
import { createHash } from 'node:crypto';

/** `consumer:route`, `route`, or `default`. */
export function keyPrefix(consumerId: string | null, routeId: string | null): string {
  if (consumerId !== null && routeId !== null) return `${consumerId}:${routeId}`;
  return consumerId ?? routeId ?? 'default';
}

function normalized(value: unknown): string | null {
  if (value === true) return '';
  if (Array.isArray(value)) return value.map(String).sort().join(',');
  if (value === undefined || value === null || value === false) return null;
  return String(value);
}

/**
 * Kong's generate_key_from: `k=v` pairs joined by `:` in key order (array values sorted and
 * comma-joined, flag arguments just their name); `only` restricts the keys.
 * @example
 * digestPairs({ b: '2', a: ['y', 'x'] }); // 'a=x,y:b=2'
 */
export function digestPairs(values: Record<string, unknown>, only?: readonly string[] | null): string {
  const names = only != null && only.length > 0 ? [...only] : Object.keys(values);
  const parts: string[] = [];
  for (const name of names.sort()) {
    const value = normalized(values[name]);
    if (value === null) continue;
    parts.push(values[name] === true ? name : `${name}=${value}`);
  }
  return parts.join(':');
}

/**
 * Kong's uri component: the nginx request line cut at the first `?` — so without a query it
 * keeps the HTTP version (`GET /a HTTP/1.1`), with one it is just `GET /a` (quirk kept).
 * @example
 * requestLineUri('GET', '/a', 'x=1', 1.1); // 'GET /a'
 */
export function requestLineUri(method: string, rawPath: string, rawQuery: string, httpVersion: number): string {
  const version = Number.isInteger(httpVersion) ? `${httpVersion}.0` : String(httpVersion);
  const line = `${method} ${rawPath}${rawQuery === '' ? '' : `?${rawQuery}`} HTTP/${version}`;
  const question = line.indexOf('?');
  return question < 0 ? line : line.slice(0, question);
}

/**
 * The cache key.
 * @example
 * buildCacheKey({ consumerId: null, routeId: 'r', method: 'GET', uri: 'GET /a HTTP/1.1', query: {}, headers: {} });
 */
export function buildCacheKey(input: {
  consumerId: string | null; routeId: string | null; method: string; uri: string;
  query: Record<string, unknown>; headers: Record<string, unknown>;
  varyQueryParams?: readonly string[] | null; varyHeaders?: readonly string[] | null;
}): string {
  const headers = input.varyHeaders != null && input.varyHeaders.length > 0
    ? digestPairs(input.headers, input.varyHeaders.map((name) => name.toLowerCase()))
    : '';
  const material = `${keyPrefix(input.consumerId, input.routeId)}|${input.method}|${input.uri}|${digestPairs(input.query, input.varyQueryParams)}|${headers}`;
  return createHash('sha256').update(material).digest('hex');
}
