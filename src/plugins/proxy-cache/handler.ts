// proxy-cache — kong/plugins/proxy-cache/handler.lua: serves cacheable requests from memory
// (X-Cache-Status Hit/Miss/Refresh/Bypass), stores cacheable responses as they stream through.
// Beyond Kong, and per the identity rule of security-and-reliability.md §1.7: a request with
// credentials but no authenticated consumer is never cached, and responses that set cookies or
// say private/no-store are never stored, whatever cache_control says.
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { proxyCacheApi, rememberInstance } from './api.ts';
import { buildCacheKey, requestLineUri } from './cache-key.ts';
import { contentTypeAllowed, parseCacheControl, resourceTtl } from './cache-control.ts';
import { proxyCacheSchema } from './schema.ts';
import { CACHE_VERSION, fetchResponse, purgeResponse, storeResponse } from './store.ts';

type ProxyCacheConf = ConfOf<typeof proxyCacheSchema>;
type HeaderName = 'age' | 'X-Cache-Status' | 'X-Cache-Key';

interface State { key?: string; ttl?: number; headers?: Record<string, string | string[]>; status?: number; chunks?: Buffer[]; requestBody?: string }

// Not replayed from a stored response: hop-by-hop headers, and this plugin's own headers, which
// describe the request that stored it (Kong overwrites X-Cache-Status and Age on a hit).
const NOT_REPLAYED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding', 'upgrade',
  'content-length', 'x-cache-status', 'x-cache-key', 'age',
]);
const nowSeconds = (): number => Date.now() / 1000;

/** Kong's set_header: only the headers enabled in response_headers, or all with Kong-Debug. */
function setHeader(kong: Pdk, conf: ProxyCacheConf, name: HeaderName, value: string | number): void {
  if (conf.response_headers[name] || kong.request.get_header('kong-debug') !== undefined) kong.response.set_header(name === 'age' ? 'Age' : name, value);
}

function cacheableRequest(kong: Pdk, conf: ProxyCacheConf, directives: Record<string, unknown>): boolean {
  if (!(conf.request_method as readonly string[]).includes(kong.request.get_method())) return false;
  const credentials = kong.request.get_header('authorization') !== undefined;
  if (conf.cache_control && (directives['no-store'] || directives['no-cache'] || credentials)) return false;
  // Credentials Portico cannot attribute to a consumer would share one caller's response with all.
  return !(credentials && kong.client.get_consumer() === null);
}

function refresh(kong: Pdk, conf: ProxyCacheConf, state: State, key: string, status: 'Miss' | 'Refresh' | 'Bypass'): void {
  state.key = key;
  setHeader(kong, conf, 'X-Cache-Status', status);
}

async function access(kong: Pdk, conf: ProxyCacheConf): Promise<void> {
  const directives = parseCacheControl(kong.request.get_header('cache-control'));
  if (!cacheableRequest(kong, conf, directives)) return setHeader(kong, conf, 'X-Cache-Status', 'Bypass');
  let uri = requestLineUri(kong.request.get_method(), kong.request.get_raw_path(), kong.request.get_raw_query(), kong.request.get_http_version());
  if (conf.ignore_uri_case) uri = uri.toLowerCase();
  const key = buildCacheKey({
    consumerId: kong.client.get_consumer()?.id ?? null, routeId: kong.router.get_route()?.id ?? null,
    method: kong.request.get_method(), uri, query: kong.request.get_query(), headers: kong.request.get_headers(),
    varyQueryParams: conf.vary_query_params, varyHeaders: conf.vary_headers,
  });
  setHeader(kong, conf, 'X-Cache-Key', key);
  const state = kong.ctx.plugin as State;
  const dictionary = conf.memory.dictionary_name;
  let cached;
  try {
    cached = await fetchResponse(kong.dictionaries, dictionary, key);
  } catch (error) {
    // Kong: a strategy error is logged and the request goes upstream uncached.
    return kong.log.err(error instanceof Error ? error.message : String(error));
  }
  if (cached === null) {
    // RFC 7234 §5.2.1.7: a client that only wants cached data gets 504 on a miss.
    if (conf.cache_control && directives['only-if-cached']) return kong.response.exit(504);
    state.requestBody = (await kong.request.get_raw_body()).toString();
    return refresh(kong, conf, state, key, 'Miss');
  }
  if (cached.version !== CACHE_VERSION) {
    await purgeResponse(kong.dictionaries, dictionary, key);
    return refresh(kong, conf, state, key, 'Bypass');
  }
  const age = nowSeconds() - cached.timestamp;
  if (conf.cache_control) {
    const maxAge = directives['max-age'], maxStale = directives['max-stale'], minFresh = directives['min-fresh'];
    if (typeof maxAge === 'number' && age > maxAge) return refresh(kong, conf, state, key, 'Refresh');
    if (typeof maxStale === 'number' && age - cached.ttl > maxStale) return refresh(kong, conf, state, key, 'Refresh');
    if (typeof minFresh === 'number' && cached.ttl - age < minFresh) return refresh(kong, conf, state, key, 'Refresh');
  } else if (age > (conf.cache_ttl ?? 300)) {
    return refresh(kong, conf, state, key, 'Refresh');
  }
  kong.ctx.shared.proxy_cache_hit = { res: cached, req: { body: cached.req_body } };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(cached.headers)) {
    if (!NOT_REPLAYED.has(name.toLowerCase()) && !/ratelimit-remaining/i.test(name)) headers[name] = value;
  }
  setHeader(kong, conf, 'age', Math.floor(age));
  setHeader(kong, conf, 'X-Cache-Status', 'Hit');
  return kong.response.exit(cached.status, cached.body, headers);
}

function cacheableResponse(kong: Pdk, conf: ProxyCacheConf, directives: Record<string, unknown>): boolean {
  if (!conf.response_code.includes(kong.response.get_status())) return false;
  const contentType = kong.response.get_header('content-type');
  if (typeof contentType !== 'string' || contentType === '' || !contentTypeAllowed(conf.content_type, contentType)) return false;
  if (kong.response.get_header('set-cookie') !== undefined || directives.private || directives['no-store']) return false;
  if (conf.cache_control && (directives['no-cache'] || resourceTtl(directives, expiresHeader(kong), Date.now()) <= 0)) return false;
  return true;
}

function expiresHeader(kong: Pdk): string | undefined {
  const value = kong.response.get_header('expires');
  return Array.isArray(value) ? value[value.length - 1] : (value ?? undefined);
}

function headerFilter(kong: Pdk, conf: ProxyCacheConf): void {
  const state = kong.ctx.plugin as State;
  if (state.key === undefined || kong.response.get_source() !== 'service') return;
  const directives = parseCacheControl(kong.response.get_header('cache-control') ?? undefined);
  if (!cacheableResponse(kong, conf, directives)) {
    setHeader(kong, conf, 'X-Cache-Status', 'Bypass');
    state.key = undefined;
    return;
  }
  state.ttl = conf.cache_control ? resourceTtl(directives, expiresHeader(kong), Date.now()) : (conf.cache_ttl ?? 300);
  state.status = kong.response.get_status();
  state.headers = kong.response.get_headers() as Record<string, string | string[]>;
  state.chunks = [];
}

function bodyFilter(kong: Pdk, conf: ProxyCacheConf): void {
  const state = kong.ctx.plugin as State;
  if (state.key === undefined || state.chunks === undefined) return;
  // Chunks pass through untouched; a copy is kept until the last one, then stored.
  const { chunk, eof } = kong.response.get_chunk();
  if (chunk.length > 0) state.chunks.push(Buffer.from(chunk));
  if (!eof) return;
  const body = Buffer.concat(state.chunks);
  const ttl = state.ttl ?? 300;
  storeResponse(kong.dictionaries, conf.memory.dictionary_name, state.key, {
    status: state.status ?? 200, headers: state.headers ?? {}, body, body_len: body.length,
    timestamp: nowSeconds(), ttl, version: CACHE_VERSION, req_body: state.requestBody ?? '',
  }, conf.storage_ttl ?? ttl).catch((error: unknown) => kong.log.err('could not store the response: ', error instanceof Error ? error.message : String(error)));
  state.chunks = undefined;
}

export const plugin = definePlugin({
  name: 'proxy-cache',
  version: KONG_VERSION,
  priority: 100,
  schema: proxyCacheSchema,
  api: proxyCacheApi,
  prepare(conf, kong, row?: Plugin) {
    if (row !== undefined) rememberInstance(row.id, conf.memory.dictionary_name, kong.dictionaries);
    return conf;
  },
  access,
  header_filter: headerFilter,
  body_filter: bodyFilter,
});
