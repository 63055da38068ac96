// Routing and Kong's access.before/after checks as pure steps on the proxy context, shared by
// the passthrough flow (flow.ts) and the plugin flow (plugin-flow.ts), which differ only in how
// they answer a refusal (directly, or through the plugins' header_filter/log).
import type { IncomingMessage } from 'node:http';
import type { RouterRequest } from '../router/types.ts';
import type { ProxyContext } from './context.ts';
import { upstreamUri } from './upstream-target.ts';
import { isHttp2Request } from './grpc/grpc-status.ts';

/**
 * What the router sees of a request. `headers` is Node's per-value view (`headersDistinct`), built
 * only when the router reads it (routes with header conditions): Kong matches any one of several
 * values of a repeated header, which Node's comma-joined `req.headers` would hide.
 */
class RouterRequestView implements RouterRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly port: number;
  readonly sni: string | undefined;
  readonly scheme: 'http' | 'https';
  private readonly req: IncomingMessage;

  constructor(req: IncomingMessage, ctx: ProxyContext) {
    this.req = req;
    this.method = req.method ?? 'GET';
    this.path = ctx.path;
    this.host = (req.headers.host ?? '').toLowerCase();
    this.port = ctx.hostPort;
    // Route `snis` only apply to TLS requests (kong-core §3.2): the client's server name, if any.
    const servername = ctx.scheme === 'https' ? (req.socket as { servername?: string | false | null } | null)?.servername : undefined;
    this.sni = typeof servername === 'string' && servername !== '' ? servername.toLowerCase() : undefined;
    this.scheme = ctx.scheme;
  }

  get headers(): Record<string, string[] | undefined> {
    return this.req.headersDistinct;
  }
}

/** Router match into the context; false when no route matched. */
export function matchRoute(ctx: ProxyContext): boolean {
  const match = ctx.snapshot.router.match(new RouterRequestView(ctx.req, ctx));
  if (match === null) return false;
  ctx.match = match;
  ctx.route = match.route;
  ctx.service = match.service;
  return true;
}

export const NO_ROUTE_MESSAGE = 'no Route matched with those values';
export const NO_SERVICE_MESSAGE = 'no Service found with those values';

/** Why Kong's access.before refuses a matched route before any plugin's access runs. */
export type RouteRefusal = 'https-required' | 'grpc-content-type' | 'grpc-http2' | 'grpcs-required';

/** Kong's access.before protocol checks for the matched route (kong-core §3.5); null = allowed. */
export function checkRouteProtocol(ctx: ProxyContext): RouteRefusal | null {
  const protocols = ctx.route!.protocols;
  if (protocols.includes('https') && !protocols.includes('http') && ctx.forwardedProto.toLowerCase() !== 'https') return 'https-required';
  if ((protocols.includes('grpc') || protocols.includes('grpcs')) && !protocols.includes('http') && !protocols.includes('https')) {
    const contentType = ctx.req.headers['content-type'];
    if (contentType === undefined || !contentType.startsWith('application/grpc')) return 'grpc-content-type';
    if (!isHttp2Request(ctx.req)) return 'grpc-http2';
    if (!protocols.includes('grpc') && ctx.scheme !== 'https') return 'grpcs-required';
  }
  return null;
}

/** The `kong.response.exit` Kong answers a refusal with: status, `{ message }` (null: no body), headers. */
export function refusalResponse(ctx: ProxyContext, refusal: RouteRefusal): { status: number; message: string | null; headers: Record<string, string> | null } {
  if (refusal === 'https-required') {
    const code = ctx.route!.https_redirect_status_code;
    if (code === 426) return { status: 426, message: 'Please use HTTPS protocol', headers: { Connection: 'Upgrade', Upgrade: 'TLS/1.2, HTTP/1.1' } };
    return { status: code, message: null, headers: { Location: `https://${ctx.forwardedHost}${ctx.req.url}` } };
  }
  // Kong answers a cleartext call on a grpcs-only route in gRPC terms: CANCELLED, status 200.
  if (refusal === 'grpcs-required') return { status: 200, message: null, headers: { 'Content-Type': 'application/grpc', 'grpc-status': '1', 'grpc-message': 'gRPC request matched gRPCs route' } };
  if (refusal === 'grpc-content-type') return { status: 415, message: 'Non-gRPC request matched gRPC route', headers: null };
  return { status: 426, message: 'Please use HTTP2 protocol', headers: { Connection: 'Upgrade', Upgrade: 'HTTP/2' } };
}

/** Kong's access.after for a proxied request: X-Forwarded-Prefix and `$upstream_uri`. */
export function prepareUpstream(ctx: ProxyContext): void {
  const match = ctx.match!;
  // X-Forwarded-Prefix: the stripped prefix unless it is `/` (nginx drops empty values).
  if (ctx.forwardedPrefix === '' && match.strippedPrefix !== '' && match.strippedPrefix !== '/') {
    ctx.forwardedPrefix = match.strippedPrefix;
  }
  ctx.upstreamUri = upstreamUri(match.upstreamPath, ctx.query);
}

