// Response headers towards the client for proxied responses (kong-core §4.2): hop-by-hop lines
// of the upstream removed, framing left to node:http, then Kong's Via/Server/latency/id headers
// and the Kong-Debug ones.
import type { IncomingHttpHeaders } from 'node:http';
import { SERVER_TOKEN } from '../core/version.ts';
import type { ProxyContext } from './context.ts';

const ALWAYS_REMOVED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade']);

type HeaderObject = Record<string, string | string[] | number | undefined>;

export function prepareDownstreamHeaders(ctx: ProxyContext, headers: IncomingHttpHeaders): HeaderObject {
  // A new object rather than deletes on undici's: a delete turns an object into a slow
  // dictionary, and node:http then walks that on every writeHead (measured 6x slower here).
  const out: HeaderObject = {};
  for (const name in headers) {
    if (!ALWAYS_REMOVED.has(name)) out[name] = headers[name];
  }
  const connection = headers.connection;
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') {
    // The upstream's Connection may name other headers; Kong keeps close/keep-alive/upgrade
    // semantics only. Gateway headers are added afterwards, so they cannot be named away.
    for (const token of connection.toLowerCase().split(',')) {
      const name = token.trim();
      if (name !== '' && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade') delete out[name];
    }
  }

  const flags = ctx.snapshot.flags;
  if (flags.via) {
    const via = out.via;
    const token = `1.1 ${SERVER_TOKEN}`;
    out.via = via === undefined ? token : `${Array.isArray(via) ? via.join(', ') : String(via)}, ${token}`;
  }
  if (flags.server && out.server === undefined) out.server = SERVER_TOKEN;
  if (flags.upstreamLatency) out['x-kong-upstream-latency'] = ctx.upstreamHeadersAt - ctx.upstreamSentAt;
  if (flags.proxyLatency) out['x-kong-proxy-latency'] = ctx.upstreamSentAt - ctx.startedAt;
  if (flags.upstreamStatus) out['x-kong-upstream-status'] = ctx.upstreamStatus;
  if (flags.requestId) out['x-kong-request-id'] = ctx.requestId;
  addDebugHeaders(ctx, out);
  return out;
}

/** `allow_debug_header=on` plus a `Kong-Debug` request header reveals the matched route/service. */
export function addDebugHeaders(ctx: ProxyContext, out: HeaderObject): void {
  if (!ctx.snapshot.settings.allow_debug_header || ctx.req.headers['kong-debug'] === undefined) return;
  const route = ctx.route;
  const service = ctx.service;
  if (route !== null) {
    out['kong-route-id'] = route.id;
    if (route.name !== null) out['kong-route-name'] = route.name;
  }
  if (service !== null) {
    out['kong-service-id'] = service.id;
    if (service.name !== null) out['kong-service-name'] = service.name;
  }
}
