// The request flow when the snapshot has enabled plugins (Kong's runloop with plugins_iterator):
// rewrite (globals) → route → access.before checks → access (collecting) → serviceless 503 →
// upstream with the plugins' request changes, or a short circuit. Every answer — the gateway's
// own 404/426/415/503 included — goes through header_filter/body_filter and then log, as Kong's
// kong.response.exit/error do. The passthrough flow (flow.ts) never reaches this file.
import { escapeUpstreamPath } from '../router/index.ts';
import { IncomingRequestView, PluginRun } from '../pipeline/index.ts';
import { PluginRequestContext } from '../pdk/index.ts';
import { afterBody, shouldBufferBody, upstreamBody, type UpstreamBody } from './body-limit.ts';
import type { ProxyContext } from './context.ts';
import type { FlowOptions, UpgradeRequest } from './flow.ts';
import { UpstreamExchange } from './forward.ts';
import { defaultGrpcSessions, GrpcExchange, isGrpcService } from './grpc/index.ts';
import { PluginResponse } from './plugin-response.ts';
import { checkRouteProtocol, matchRoute, NO_ROUTE_MESSAGE, NO_SERVICE_MESSAGE, prepareUpstream, refusalResponse } from './route-checks.ts';
import { tunnelWebSocket } from './websocket.ts';

/** Starts the plugin flow of one request (the caller already resolved forwarded/real-IP values). */
export function runWithPlugins(ctx: ProxyContext, options: FlowOptions, upgrade: UpgradeRequest | null): void {
  const response = new PluginResponse(ctx);
  const run = new PluginRun(ctx.snapshot.plugins, pluginContextFor(ctx, response));
  ctx.plugins = run;
  // Kong's log phase runs once the response went out (or the client went away). A response emits
  // 'close' exactly once, so `on` does without the wrapper `once` allocates per request.
  ctx.res.on('close', () => response.log());
  try {
    drive(ctx, run, response, options, upgrade);
  } catch (error) {
    response.fail(error);
  }
}

function pluginContextFor(ctx: ProxyContext, response: PluginResponse): PluginRequestContext {
  const req = ctx.req;
  const settings = ctx.snapshot.settings;
  const request = new IncomingRequestView(req, {
    scheme: ctx.scheme,
    host: ctx.host,
    port: ctx.hostPort,
    path: ctx.path,
    rawQuery: ctx.query.startsWith('?') ? ctx.query.slice(1) : ctx.query,
    forwardedScheme: ctx.forwardedProto,
    forwardedHost: ctx.forwardedHost,
    forwardedPort: Number(ctx.forwardedPort),
    forwardedPath: ctx.forwardedPath,
    rawPath: ctx.rawPath,
    startTime: ctx.startedAt,
    maxBodySize: settings.client_max_body_size,
  });
  const peer = ctx.peerAddress ?? '';
  const port = req.socket.remotePort ?? 0;
  return new PluginRequestContext({
    requestId: ctx.requestId,
    request,
    client: { ip: peer, forwardedIp: ctx.clientAddress ?? peer, port, forwardedPort: port },
    // Computed only when a plugin calls kong.log.serialize().
    serialize: () => response.serialize(),
  });
}

// The flow runs synchronously as long as every handler is synchronous (the usual case) and
// continues from a promise only where one returned one: an async function would allocate
// promises for every request.
function drive(ctx: ProxyContext, run: PluginRun, response: PluginResponse, options: FlowOptions, upgrade: UpgradeRequest | null): void {
  const rewrite = run.rewrite();
  if (rewrite !== undefined) {
    rewrite.then(() => afterRewrite(ctx, run, response, options, upgrade)).catch((error: unknown) => response.fail(error));
    return;
  }
  afterRewrite(ctx, run, response, options, upgrade);
}

function afterRewrite(ctx: ProxyContext, run: PluginRun, response: PluginResponse, options: FlowOptions, upgrade: UpgradeRequest | null): void {
  const pluginContext = run.ctx;
  if (pluginContext.exit === null) {
    if (!matchRoute(ctx)) {
      run.error(404, NO_ROUTE_MESSAGE);
    } else {
      pluginContext.route = ctx.route;
      pluginContext.service = ctx.service;
      (pluginContext.request as IncomingRequestView).uriCaptures = ctx.match!.captures;
      const refusal = checkRouteProtocol(ctx);
      if (refusal !== null) {
        const answer = refusalResponse(ctx, refusal);
        run.exit(answer.status, answer.message === null ? undefined : { message: answer.message }, answer.headers ?? undefined);
      } else {
        const access = run.access();
        if (access !== undefined) {
          access.then(() => afterAccess(ctx, run, response, options, upgrade)).catch((error: unknown) => response.fail(error));
          return;
        }
      }
    }
  }
  afterAccess(ctx, run, response, options, upgrade);
}

function afterAccess(ctx: ProxyContext, run: PluginRun, response: PluginResponse, options: FlowOptions, upgrade: UpgradeRequest | null): void {
  const pluginContext = run.ctx;
  // A serviceless route is refused after the plugins' access (Kong's access.after), so a plugin
  // such as request-termination can still answer on it. (Every other way here without a
  // service already carries an exit: no route, a refused protocol, a rewrite short circuit.)
  if (pluginContext.exit === null && ctx.service === null) run.exit(503, { message: NO_SERVICE_MESSAGE });
  if (pluginContext.exit !== null) {
    response.sendExit(true).catch((error: unknown) => response.fail(error));
    return;
  }
  prepareUpstream(ctx);
  applyRequestChanges(ctx, pluginContext);
  if (upgrade !== null) {
    tunnelWebSocket(ctx, upgrade.socket, upgrade.head);
    return;
  }
  const view = pluginContext.request as IncomingRequestView;
  if (isGrpcService(ctx.service!)) {
    const replaced = pluginContext.upstream.body ?? view.bufferedBody ?? null;
    const call = new GrpcExchange(ctx, options.grpcSessions ?? defaultGrpcSessions(ctx.snapshot.settings), replaced === null ? null : Buffer.from(replaced), response);
    response.exchange = call;
    call.start();
    return;
  }
  const settings = ctx.snapshot.settings;
  const known = pluginContext.upstream.body ?? view.bufferedBody;
  if (known === null && shouldBufferBody(ctx.req, ctx.route!.request_buffering, settings.client_body_buffer_size)) {
    afterBody(ctx.res, view.readBody(), (body) => startExchange(ctx, options, response, body), (error) => response.fail(error));
    return;
  }
  startExchange(ctx, options, response, known ?? upstreamBody(ctx.req, settings.client_max_body_size));
}

function startExchange(ctx: ProxyContext, options: FlowOptions, response: PluginResponse, body: UpstreamBody | Buffer | null): void {
  const exchange = new UpstreamExchange(ctx, options.pools, body, response);
  response.exchange = exchange;
  exchange.start();
}

/** kong.service.request.set_path / set_raw_query / set_query → `$upstream_uri`. */
function applyRequestChanges(ctx: ProxyContext, pluginContext: PluginRequestContext): void {
  const changes = pluginContext.upstream;
  if (changes.path === null && changes.rawQuery === null) return;
  const current = ctx.upstreamUri;
  const queryAt = current.indexOf('?');
  const path = changes.path === null ? (queryAt === -1 ? current : current.slice(0, queryAt)) : escapeUpstreamPath(changes.path);
  let query = queryAt === -1 ? '' : current.slice(queryAt);
  if (changes.rawQuery !== null) query = changes.rawQuery === '' ? '' : `?${changes.rawQuery}`;
  ctx.upstreamUri = path + query;
}
