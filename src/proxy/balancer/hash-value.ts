// The value a consistent-hashing upstream hashes for a request: Kong's get_value_to_hash()
// in kong/runloop/balancer/init.lua, hash_on first, then hash_fallback, else "".

import { randomUUID } from 'node:crypto';
import type { HashOn, Upstream } from '../../entities/types.ts';

/** What the proxy knows about the request; accessors so nothing is parsed unless it is hashed on. */
export interface HashRequest {
  consumerId?: string | null;
  credentialId?: string | null;
  /** Client address as Kong's `remote_addr`. */
  remoteAddr: string;
  /** Header value, several same-named headers already combined (nginx joins them with ", "). */
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
  /** Normalized request path (nginx `$uri`). */
  path: string;
  /** Query argument as parsed: true for a bare `?flag`, arrays for repeated args. */
  queryArg(name: string): string | boolean | Array<string | boolean> | undefined;
  uriCapture(name: string): string | undefined;
}

export interface HashValue {
  value: string;
  /** Set when hashing on a cookie the client did not send: the proxy must send it back. */
  setCookie?: { key: string; value: string; path: string };
}

function queryValue(raw: ReturnType<HashRequest['queryArg']>): string | undefined {
  if (raw === undefined) return undefined;
  // Kong stringifies booleans and sorts repeated values so `?a=2&a=1` and `?a=1&a=2` agree.
  if (Array.isArray(raw)) return raw.map(String).sort().join(',');
  return String(raw);
}

export function hashValueFor(upstream: Upstream, request: HashRequest): HashValue {
  const attempts: Array<{ on: HashOn; header: string | null; query: string | null; capture: string | null }> = [
    { on: upstream.hash_on, header: upstream.hash_on_header, query: upstream.hash_on_query_arg, capture: upstream.hash_on_uri_capture },
    { on: upstream.hash_fallback, header: upstream.hash_fallback_header, query: upstream.hash_fallback_query_arg, capture: upstream.hash_fallback_uri_capture },
  ];
  for (const attempt of attempts) {
    let value: string | undefined;
    switch (attempt.on) {
      case 'none':
        return { value: '' };
      case 'consumer':
        value = request.consumerId ?? request.credentialId ?? undefined;
        break;
      case 'ip':
        value = request.remoteAddr;
        break;
      case 'header':
        value = attempt.header ? request.header(attempt.header) : undefined;
        break;
      case 'cookie': {
        const name = upstream.hash_on_cookie;
        if (!name) break;
        value = request.cookie(name);
        if (value === undefined) {
          // Kong mints a cookie so the client's next requests stick to the same target.
          const minted = randomUUID();
          return { value: minted, setCookie: { key: name, value: minted, path: upstream.hash_on_cookie_path || '/' } };
        }
        break;
      }
      case 'path':
        value = request.path;
        break;
      case 'query_arg':
        value = attempt.query ? queryValue(request.queryArg(attempt.query)) : undefined;
        break;
      case 'uri_capture':
        value = attempt.capture ? request.uriCapture(attempt.capture) : undefined;
        break;
    }
    if (value !== undefined && value !== null) return { value };
  }
  return { value: '' };
}

/** The Set-Cookie value Kong's balancer `set_cookie()` sends for a minted hash cookie. */
export function hashCookieHeader(cookie: { key: string; value: string; path: string }): string {
  return `${cookie.key}=${cookie.value}; Path=${cookie.path}; Same-Site=Lax; HttpOnly`;
}
