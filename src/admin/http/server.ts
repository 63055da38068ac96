// The request loop shared by the Admin and Status API servers: routing, OPTIONS/HEAD/405/404,
// body limits and decoding, error rendering and the headers Kong's admin location adds
// (kong/api/init.lua, Kong.admin_header_filter).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Settings } from '../../config/types.ts';
import type { Logger } from '../../core/logger.ts';
import { KongError } from '../../core/errors.ts';
import { DatabaseUnavailableError } from '../../store/errors.ts';
import type { Authenticator } from './auth.ts';
import { SERVER_TOKEN } from '../../core/version.ts';
import type { AdminContext, AdminReply, RouteHandler } from '../types.ts';
import { AdminHttpError, methodNotAllowed, notFound } from './errors.ts';
import { parseBody, readBody } from './body.ts';
import type { ParsedBody } from './body.ts';
import { AdminRouter } from './router.ts';
import { MAX_ARGS } from './args.ts';
import { trackConnections } from './counters.ts';
import type { ConnectionTracker } from './counters.ts';

const NEEDS_BODY = new Set(['POST', 'PUT', 'PATCH']);
const NO_BODY: ParsedBody = { kind: 'none', args: {}, text: '' };

export interface ApiServerOptions {
  settings: Settings;
  logger: Logger;
  /** Admin API authentication; absent = open (Status API, or no credentials configured). */
  authenticate?: Authenticator | null;
  /** Bytes; Kong's `nginx_admin_client_max_body_size` (default 10m). 0 = unlimited. */
  maxBodySize: number;
}

export interface ApiServer {
  server: http.Server;
  connections: ConnectionTracker;
}

/** Kong's `headers` setting enables `Server` (server_tokens) and `X-Kong-Admin-Latency` (latency_tokens). */
function headerFlags(settings: Settings): { server: boolean; latency: boolean } {
  const tokens = new Set(settings.headers.map((t) => t.toLowerCase()));
  return {
    server: tokens.has('server_tokens') || tokens.has('server'),
    latency: tokens.has('latency_tokens') || tokens.has('x-kong-admin-latency'),
  };
}

/**
 * Kong's internal `admin_gui_origin`: the scheme://host[:port] of every `admin_gui_url` entry
 * (conf_loader strips any path so the value can serve as a CORS origin).
 */
function guiOrigins(settings: Settings): string[] {
  const origins: string[] = [];
  for (const entry of (settings.admin_gui_url ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    try {
      const url = new URL(trimmed);
      origins.push(`${url.protocol}//${url.host}`);
    } catch {
      origins.push(trimmed);
    }
  }
  return origins;
}

/** Access-Control-Allow-Origin: the request origin unless `admin_gui_origin` restricts it. */
function allowOrigin(origins: string[], requestOrigin: string | undefined): string {
  if (origins.length === 0) return requestOrigin ?? '*';
  if (requestOrigin !== undefined && origins.includes(requestOrigin)) return requestOrigin;
  return origins[0]!;
}

function allowedMethods(handlers: ReadonlyMap<string, RouteHandler>): string {
  const methods = new Set(handlers.keys());
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort().join(', ');
}

function countArgs(search: URLSearchParams): number {
  let count = 0;
  for (const _entry of search) count++;
  return count;
}

function renderError(err: unknown, logger: Logger): AdminReply {
  if (err instanceof AdminHttpError) return { status: err.status, body: err.body, headers: err.headers };
  if (err instanceof KongError) {
    // A database error never leaks its details (kong/api/endpoints.lua handle_error → 500).
    if (err.status >= 500) {
      logger.error('admin API database error', { error: err });
      return { status: 500, body: { message: 'An unexpected error occurred' } };
    }
    return { status: err.status, body: err.toJSON() };
  }
  if (err instanceof DatabaseUnavailableError) {
    // The database is down or too slow: a bounded-time 503 the client can retry, not Kong's
    // generic 500; the details (host, driver error) go to the log only.
    logger.error('admin API: database unavailable', { error: err.message });
    return { status: 503, body: { message: 'database unavailable; try again later' }, headers: { 'Retry-After': '5' } };
  }
  logger.error('admin API unexpected error', { error: err instanceof Error ? err : String(err) });
  return { status: 500, body: { message: 'An unexpected error occurred' } };
}

/** Builds a (not yet listening) server answering the routes registered on `router`. */
export function createApiServer(router: AdminRouter<RouteHandler>, options: ApiServerOptions): ApiServer {
  const flags = headerFlags(options.settings);
  const origins = guiOrigins(options.settings);

  const write = (req: IncomingMessage, res: ServerResponse, reply: AdminReply, start: number): void => {
    const headers: Record<string, string> = {};
    const origin = req.headers.origin;
    headers['Access-Control-Allow-Origin'] = allowOrigin(origins, typeof origin === 'string' ? origin : undefined);
    headers['Access-Control-Allow-Credentials'] = 'true';
    if (origins.length > 0) headers['Vary'] = 'Origin';
    if (flags.server) headers['Server'] = SERVER_TOKEN;
    if (flags.latency) headers['X-Kong-Admin-Latency'] = String(Math.round(performance.now() - start));
    Object.assign(headers, reply.headers);
    let payload: string | undefined;
    if (reply.text !== undefined) payload = reply.text;
    else if (reply.body !== undefined) payload = JSON.stringify(reply.body);
    if (payload !== undefined || (reply.status !== 204 && reply.status !== 304)) {
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    }
    const buf = payload === undefined ? undefined : Buffer.from(payload, 'utf8');
    if (reply.status !== 204 && reply.status !== 304) headers['Content-Length'] = String(buf?.length ?? 0);
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : buf);
  };

  const handle = async (req: IncomingMessage): Promise<AdminReply> => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const match = router.match(url.pathname);
    if (!match) throw notFound();
    // Kong reads at most 1000 URI args (ngx.req.get_uri_args) and refuses more.
    if (url.search.length > 0 && countArgs(url.searchParams) > MAX_ARGS) {
      throw new AdminHttpError(400, { message: 'Too many arguments' });
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      const allow = allowedMethods(match.handlers);
      const requested = req.headers['access-control-request-headers'];
      return {
        status: 204,
        headers: {
          Allow: allow,
          'Access-Control-Allow-Methods': allow,
          'Access-Control-Allow-Headers': typeof requested === 'string' && requested !== '' ? requested : 'Content-Type',
        },
      };
    }
    // After OPTIONS: browsers send CORS preflights without credentials.
    if (options.authenticate && !options.authenticate(req)) {
      req.resume();
      throw new AdminHttpError(401, { message: 'Unauthorized' }, { 'WWW-Authenticate': 'Basic realm="portico-admin", charset="UTF-8"' });
    }
    const handler = match.handlers.get(method === 'HEAD' ? 'GET' : method);
    if (!handler) throw methodNotAllowed();
    let body = NO_BODY;
    if (NEEDS_BODY.has(method)) {
      const raw = await readBody(req, options.maxBodySize);
      body = await parseBody(req, raw, handler.acceptYaml === true);
    } else {
      req.resume();
    }
    const ctx: AdminContext = { req, method, path: url.pathname, params: match.params, query: url.searchParams, body };
    return handler.handle(ctx);
  };

  const server = http.createServer((req, res) => {
    const start = performance.now();
    handle(req)
      .catch((err: unknown) => renderError(err, options.logger))
      .then((reply) => {
        if (!res.headersSent && !res.destroyed) write(req, res, reply, start);
      })
      .catch((err: unknown) => {
        options.logger.error('admin API failed to write a response', { error: err instanceof Error ? err : String(err) });
        res.destroy();
      });
  });
  // nginx's http-level client timeouts apply to the admin server block as well.
  const { client_header_timeout: headerMs, client_body_timeout: bodyMs, keepalive_timeout: keepAliveMs } = options.settings;
  if (headerMs > 0) server.headersTimeout = headerMs;
  if (headerMs > 0 && bodyMs > 0) server.requestTimeout = headerMs + bodyMs;
  if (keepAliveMs > 0) server.keepAliveTimeout = keepAliveMs;
  const connections = trackConnections(server);
  return { server, connections };
}
