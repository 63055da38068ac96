// Shared upstream-target rules of Kong's drivers (kong/llm/drivers/shared.lua and each driver's
// `configure_request`): base URL vs `upstream_url`/`upstream_path`, preserve-mode paths, client
// query forwarding, and header/query auth with `allow_override`. Providers call composeUpstream
// with their default base and operation path; nothing here performs I/O.

import type { LlmConf } from './conf.ts';
import { parsedUrl, type ParsedUrl } from './parsed-url.ts';
import type { HeaderBag, UpstreamInput, UpstreamRequest } from './providers/types.ts';

export interface UpstreamTarget {
  /** Default base URL incl. any base path, e.g. `https://api.openai.com`. */
  base: string;
  /** Operation path appended to the base (ignored when `upstream_url` is configured). */
  path: string;
  /** Query parameters the provider sets (e.g. Azure `api-version`); they replace client values. */
  query?: Record<string, string>;
  /** Hugging Face quirk: append `path` to `upstream_url` instead of replacing it. */
  appendPathToUpstreamUrl?: boolean;
  /** Extra headers the provider needs (e.g. `anthropic-version`). */
  headers?: Record<string, string>;
  /** Skip header/query auth (Bedrock signs with SigV4 instead). */
  skipAuth?: boolean;
}

export function clientHasHeader(headers: HeaderBag, name: string): boolean {
  const value = headers[name.toLowerCase()];
  return value !== undefined && value !== '';
}

/**
 * Header auth as Kong applies it: the configured header is set unless the client sent the same
 * header AND `allow_override` is true (then the client's value goes through untouched).
 */
function applyHeaderAuth(conf: LlmConf, clientHeaders: HeaderBag, headers: Record<string, string>): void {
  const auth = conf.auth;
  if (!auth?.header_name || auth.header_value == null) return;
  if (auth.allow_override && clientHasHeader(clientHeaders, auth.header_name)) return;
  headers[auth.header_name.toLowerCase()] = auth.header_value;
}

/** Query auth: same override rule as headers, applied to the forwarded query. */
function applyQueryAuth(conf: LlmConf, query: URLSearchParams): void {
  const auth = conf.auth;
  if (auth?.param_location !== 'query' || !auth.param_name || auth.param_value == null) return;
  if (auth.allow_override && query.has(auth.param_name)) return;
  query.set(auth.param_name, auth.param_value);
}

/**
 * Body auth (`param_location = body`): Kong writes the param into the request table after
 * translation, so only drivers that send that same table (openai-like) carry it to the wire.
 */
export function applyBodyAuth(conf: LlmConf, body: Record<string, unknown>): void {
  const auth = conf.auth;
  if (auth?.param_location !== 'body' || !auth.param_name || auth.param_value == null) return;
  if (auth.allow_override && body[auth.param_name] !== undefined) return;
  body[auth.param_name] = auth.param_value;
}

function joinPath(basePath: string, path: string): string {
  const left = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  if (path === '') return left === '' ? '/' : left;
  return left + (path.startsWith('/') ? path : `/${path}`);
}

/**
 * Resolves the upstream URL and headers. Deliberate difference from Kong: a configured
 * `upstream_url` without a port uses its scheme's default port (Kong forces 443 even for http).
 */
export function composeUpstream(input: UpstreamInput, target: UpstreamTarget): UpstreamRequest {
  const options = input.conf.model.options;
  const override = options?.upstream_url ? parsedUrl(options.upstream_url) : undefined;
  const base = override ?? parsedUrl(target.base);
  let path: string;
  if (input.routeType === 'preserve') {
    // Kong forwards the client's full (unstripped) path in preserve mode.
    path = input.clientPath;
  } else if (override) {
    path = target.appendPathToUpstreamUrl ? joinPath(override.pathname, target.path) : override.pathname;
  } else {
    path = joinPath(base.pathname, target.path);
  }
  if (options?.upstream_path) path = options.upstream_path;
  const search = upstreamQuery(input, target, override);
  const headers: Record<string, string> = { ...target.headers };
  if (!target.skipAuth) applyHeaderAuth(input.conf, input.clientHeaders, headers);
  if (input.routeType !== 'preserve') {
    headers['content-type'] = 'application/json';
    // The gateway must read translated answers; identity avoids an inflate step per response
    // (Kong asks for `gzip, identity` and inflates). Preserve routes keep the client's choice.
    headers['accept-encoding'] ??= 'identity';
  }
  return { url: `${base.origin}${path}${search ? `?${search}` : ''}`, method: input.routeType === 'preserve' ? input.clientMethod : 'POST', headers };
}

/** The upstream query: the client's, then upstream_url's, the provider's and query auth, later ones winning. */
function upstreamQuery(input: UpstreamInput, target: UpstreamTarget, override: ParsedUrl | undefined): string {
  const queryAuth = !target.skipAuth && input.conf.auth?.param_location === 'query';
  // Nothing to merge: skip building (and re-encoding) an empty query, the usual case.
  if (input.clientQuery === '' && (override === undefined || override.searchParams.length === 0) && target.query === undefined && !queryAuth) return '';
  const query = new URLSearchParams(input.clientQuery);
  if (override) for (const [key, value] of override.searchParams) query.set(key, value);
  for (const [key, value] of Object.entries(target.query ?? {})) query.set(key, value);
  if (!target.skipAuth) applyQueryAuth(input.conf, query);
  return query.toString();
}
