// The request flow of the proxy: guard → normalise → forwarded/real-IP → route (access:
// https/grpc checks, serviceless routes) → balancer + upstream (or a WebSocket tunnel). This is
// the passthrough path for config versions without enabled plugins; with plugins, the request
// continues in plugin-flow.ts after real-IP resolution. Kong-generated answers use the
// producers of error-response.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { newRequestId } from '../core/ids.ts';
import { hostnameOf, normalizePath } from '../router/index.ts';
import { afterBody, shouldBufferBody, upstreamBody } from './body-limit.ts';
import { readRequestBody } from '../core/read-body.ts';
import { ProxyContext } from './context.ts';
import { sendKongError, sendKongExit, sendNginxError } from './error-response.ts';
import { UpstreamExchange } from './forward.ts';
import { failProxyRequest } from './request-failure.ts';
import { checkHeaders, checkRequestTarget } from './request-guard.ts';
import type { Snapshot } from './snapshot.ts';
import { realClientAddress } from './trusted-ips.ts';
import type { UpstreamPools } from './upstream-pool.ts';
import { checkRouteProtocol, matchRoute, NO_ROUTE_MESSAGE, NO_SERVICE_MESSAGE, prepareUpstream, refusalResponse } from './route-checks.ts';
import { tunnelWebSocket } from './websocket.ts';
import { runWithPlugins } from './plugin-flow.ts';
import { GRPC_STATUS, GrpcExchange, isGrpcRequest, isGrpcService, sendGrpcError, sendGrpcHttpError, defaultGrpcSessions, type GrpcSessions } from './grpc/index.ts';

export interface FlowOptions {
  pools: UpstreamPools;
  scheme: 'http' | 'https';
  /** HTTP/2 sessions towards gRPC upstreams; default: the process-wide set. */
  grpcSessions?: GrpcSessions;
}

/** Upgrade details when the request arrived through the server's `upgrade` event. */
export interface UpgradeRequest {
  socket: Duplex;
  head: Buffer;
}

export function handleProxyRequest(
  snapshot: Snapshot, req: IncomingMessage, res: ServerResponse, options: FlowOptions, upgrade: UpgradeRequest | null,
): void {
  // A TLS listener shares the HTTP/1 server of its family: the connection tells the scheme.
  const scheme = (req.socket as { encrypted?: boolean } | null)?.encrypted === true ? 'https' : options.scheme;
  const ctx = new ProxyContext(snapshot, req, res, newRequestId(), scheme);
  if (!guard(ctx)) return;
  resolveForwarded(ctx);
  // One property read decides: without enabled plugins the passthrough path below runs as is.
  if (!snapshot.plugins.empty) {
    runWithPlugins(ctx, options, upgrade);
    return;
  }
  if (!route(ctx)) return;
  if (!access(ctx)) return;
  if (upgrade !== null) {
    tunnelWebSocket(ctx, upgrade.socket, upgrade.head);
    return;
  }
  if (isGrpcService(ctx.service!)) {
    new GrpcExchange(ctx, options.grpcSessions ?? defaultGrpcSessions(snapshot.settings)).start();
    return;
  }
  const settings = snapshot.settings;
  if (shouldBufferBody(req, ctx.route!.request_buffering, settings.client_body_buffer_size)) {
    afterBody(res, readRequestBody(req, settings.client_max_body_size), (body) => new UpstreamExchange(ctx, options.pools, body).start(), (error) => failProxyRequest(ctx, error));
    return;
  }
  new UpstreamExchange(ctx, options.pools, upstreamBody(req, settings.client_max_body_size)).start();
}

function rejectWithErrorPage(ctx: ProxyContext, status: number): false {
  const req = ctx.req;
  // Requests refused before routing close the connection, as nginx does for malformed input.
  sendNginxError(ctx.res, ctx, req.headers.accept, req.headers['content-type'], ctx.snapshot.settings.error_default_type, status, true);
  return false;
}

/** Request line and header-block limits (414/431/413/400/501/505). */
function guard(ctx: ProxyContext): boolean {
  const settings = ctx.snapshot.settings;
  const req = ctx.req;
  const target = checkRequestTarget(req, settings);
  if (target !== 0) return rejectWithErrorPage(ctx, target);
  const headers = checkHeaders(req, settings);
  if (headers !== 0) return rejectWithErrorPage(ctx, headers);
  const url = req.url!;
  const queryAt = url.indexOf('?');
  ctx.rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  ctx.query = queryAt === -1 ? '' : url.slice(queryAt);
  const path = normalizePath(ctx.rawPath);
  if (path === null) return rejectWithErrorPage(ctx, 400);
  ctx.path = path;
  return true;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `$remote_addr`, `$host` and the X-Forwarded-* values (trusted client values only from trusted_ips). */
function resolveForwarded(ctx: ProxyContext): void {
  const req = ctx.req;
  const snapshot = ctx.snapshot;
  const settings = snapshot.settings;
  const peer = ctx.peerAddress;
  const trusted = snapshot.trustedIps.isTrusted(peer);
  ctx.peerTrusted = trusted;
  const realIpHeader = settings.real_ip_header.toLowerCase();
  ctx.clientAddress = realIpHeader === 'proxy_protocol'
    ? peer
    : realClientAddress(peer, headerValue(req, realIpHeader), snapshot.trustedIps, settings.real_ip_recursive);

  const hostHeader = req.headers.host;
  const listenerPort = req.socket.localPort ?? 0;
  ctx.host = hostHeader === undefined ? '' : hostnameOf(hostHeader);
  ctx.hostPort = hostPortOf(hostHeader, listenerPort);
  const forwardedProto = trusted ? headerValue(req, 'x-forwarded-proto') : undefined;
  const forwardedHost = trusted ? headerValue(req, 'x-forwarded-host') : undefined;
  const forwardedPort = trusted ? headerValue(req, 'x-forwarded-port') : undefined;
  const forwardedPath = trusted ? headerValue(req, 'x-forwarded-path') : undefined;
  const forwardedPrefix = trusted ? headerValue(req, 'x-forwarded-prefix') : undefined;
  ctx.forwardedProto = forwardedProto ?? ctx.scheme;
  ctx.forwardedHost = forwardedHost ?? ctx.host;
  ctx.forwardedPort = forwardedPort ?? String(listenerPort);
  ctx.forwardedPath = forwardedPath ?? ctx.rawPath;
  ctx.forwardedPrefix = forwardedPrefix ?? '';
}

function hostPortOf(hostHeader: string | undefined, fallback: number): number {
  if (hostHeader === undefined) return fallback;
  const closing = hostHeader.lastIndexOf(']');
  const colon = hostHeader.lastIndexOf(':');
  if (colon === -1 || colon < closing) return fallback;
  const port = Number(hostHeader.slice(colon + 1));
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : fallback;
}

/** Router match; no match is Kong's 404 `kong.response.error`. */
function route(ctx: ProxyContext): boolean {
  if (matchRoute(ctx)) return true;
  if (isGrpcRequest(ctx.req)) { sendGrpcHttpError(ctx.res, ctx, 404, NO_ROUTE_MESSAGE); return false; }
  sendKongError(ctx.res, ctx, ctx.req.headers.accept, 404, NO_ROUTE_MESSAGE);
  return false;
}

/** Kong's access.before/after checks for the matched route (kong-core §3.5). */
function access(ctx: ProxyContext): boolean {
  const refusal = checkRouteProtocol(ctx);
  if (refusal === 'grpcs-required') {
    sendGrpcError(ctx.res, ctx, GRPC_STATUS.CANCELLED, 'gRPC request matched gRPCs route');
    return false;
  }
  if (refusal !== null) {
    const answer = refusalResponse(ctx, refusal);
    sendKongExit(ctx.res, ctx, answer.status, answer.message, answer.headers);
    return false;
  }
  if (ctx.service === null) {
    if (isGrpcRequest(ctx.req)) sendGrpcHttpError(ctx.res, ctx, 503, NO_SERVICE_MESSAGE);
    else sendKongExit(ctx.res, ctx, 503, NO_SERVICE_MESSAGE);
    return false;
  }
  prepareUpstream(ctx);
  return true;
}
