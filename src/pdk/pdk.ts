// The `kong` object handed to every phase handler. One base per request (request, response,
// service, client, router) plus a thin per-plugin view binding kong.log and kong.ctx.plugin to
// the running plugin, as Kong swaps its namespaced logger per plugin. Method names are Kong's
// snake_case; camelCase aliases (kong.request.getHeader, …) make the same object satisfy the
// npm `kong-pdk` JavaScript contract.
import { hostname } from 'node:os';
import type { Logger } from '../core/logger.ts';
import { KONG_VERSION } from '../core/version.ts';
import type { Route, Service } from '../entities/types.ts';
import type { NodeCache } from './cache.ts';
import { ClientApi, type ConsumerLoader } from './client.ts';
import type { PluginRequestContext } from './context.ts';
import { RequestApi } from './request.ts';
import { ResponseApi } from './response.ts';
import { ServiceApi, ServiceRequestApi, ServiceResponseApi } from './service.ts';
import { createPluginLog, type PluginLog } from './log.ts';
import { UNAVAILABLE_DB, type PdkDb } from './db.ts';
import { PROCESS_COUNTERS, type SharedCounters } from './shared-counters.ts';
import { PROCESS_DICTIONARIES, type SharedDictionaries } from './shared-dict.ts';

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
/**
 * `T` plus a camelCase alias of each snake_case member (kong-pdk's spelling).
 * @example
 * kong.request.getHeader('host') === kong.request.get_header('host'); // true
 */
export type WithCamelAliases<T> = T & { [K in keyof T as K extends `${string}_${string}` ? CamelCase<K & string> : never]: T[K] };

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Adds camelCase aliases to a class prototype once (no per-request cost). */
function addCamelAliases(prototype: object): void {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (!name.includes('_')) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    if (typeof descriptor.value === 'function') Object.defineProperty(prototype, camelCase(name), { ...descriptor, enumerable: false });
  }
}
for (const api of [RequestApi, ResponseApi, ServiceApi, ServiceRequestApi, ServiceResponseApi, ClientApi]) addCamelAliases(api.prototype);

/**
 * What the PDK needs from the node: shared across requests, supplied by the runtime.
 * @example
 * const environment: PdkEnvironment = { logger, cache: new NodeCache(), nodeId, loadConsumer, upstreamExists: (n) => snapshot.upstreams.has(n) };
 */
export interface PdkEnvironment {
  logger: Logger;
  cache: NodeCache;
  /** kong.node.get_id: the node's UUID. */
  nodeId: string;
  hostname?: string;
  loadConsumer: ConsumerLoader;
  upstreamExists: (name: string) => boolean;
  /** kong.db: the entity store (plugin-owned credentials, tokens); the runtime passes its Store. */
  db?: PdkDb;
  /** kong.counters: the node's shared counters (the primary's over IPC); this process's when absent. */
  counters?: SharedCounters;
  /** kong.dictionaries: the node's shared dictionaries (the primary's over IPC); this process's when absent. */
  dictionaries?: SharedDictionaries;
}

/**
 * kong.node (snake_case and kong-pdk camelCase).
 * @example
 * kong.node.get_id(); // the node's UUID
 */
export interface NodeApi {
  get_id(): string;
  get_hostname(): string;
  getId(): string;
  getHostname(): string;
}

/**
 * kong.router: the matched route and service.
 * @example
 * const route = kong.router.get_route();
 */
export interface RouterApi {
  get_route(): Route | null;
  get_service(): Service | null;
  getRoute(): Route | null;
  getService(): Service | null;
}

/**
 * kong.ctx: `shared` for the whole request, `plugin` private to the running plugin.
 * @example
 * kong.ctx.shared.authenticated_groups = ['admins']; kong.ctx.plugin.started = Date.now();
 */
export interface PdkCtx {
  shared: Record<string, unknown>;
  plugin: Record<string, unknown>;
}

/**
 * The node-level part of the PDK (init_worker, configure, prepare): no request.
 * @example
 * init_worker(kong) { kong.log.notice('started on ', kong.node.get_hostname()); }
 */
export interface NodePdk {
  log: PluginLog;
  cache: NodeCache;
  node: NodeApi;
  version: string;
  version_num: number;
  /** The entity store (Kong's kong.db), for plugin-owned entities. */
  db: PdkDb;
  /** Node-wide atomic counters (Kong's shared dict for rate limiting), shared by all workers. */
  counters: SharedCounters;
  /** Node-wide key/value dictionaries with expiry (Kong's lua_shared_dict), shared by all workers. */
  dictionaries: SharedDictionaries;
}

/**
 * What a phase handler receives as `kong`.
 * @example
 * access(kong, conf) {
 *   const key = kong.request.get_header('apikey');
 *   if (key === undefined) return kong.response.error(401, 'No API key found in request');
 * }
 */
export interface Pdk extends NodePdk {
  request: WithCamelAliases<RequestApi>;
  response: WithCamelAliases<ResponseApi>;
  service: WithCamelAliases<ServiceApi> & {
    request: WithCamelAliases<ServiceRequestApi>;
    response: WithCamelAliases<ServiceResponseApi>;
  };
  client: WithCamelAliases<ClientApi>;
  router: RouterApi;
  ctx: PdkCtx;
}

function versionNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major * 1_000_000 + minor * 1_000 + patch;
}

/**
 * Node-level PDK for one plugin (logger bound to its name).
 * @example
 * const kong = createNodePdk(environment, 'my-plugin');
 */
export function createNodePdk(environment: PdkEnvironment, pluginName: string): NodePdk {
  const host = environment.hostname ?? hostname();
  const node: NodeApi = {
    get_id: () => environment.nodeId,
    get_hostname: () => host,
    getId: () => environment.nodeId,
    getHostname: () => host,
  };
  return {
    log: createPluginLog(environment.logger, pluginName, null),
    cache: environment.cache,
    node,
    version: KONG_VERSION,
    version_num: versionNumber(KONG_VERSION),
    db: environment.db ?? UNAVAILABLE_DB,
    counters: environment.counters ?? PROCESS_COUNTERS,
    dictionaries: environment.dictionaries ?? PROCESS_DICTIONARIES,
  };
}

/**
 * The per-request base of the PDK; `forPlugin` derives each plugin's view from it.
 * @example
 * const base = createRequestPdk(nodePdk, environment, ctx);
 * const kong = pdkForPlugin(base, ctx, 'key-auth', log);
 */
export function createRequestPdk(node: NodePdk, environment: PdkEnvironment, ctx: PluginRequestContext): Pdk {
  const router = new RequestRouter(ctx);
  return {
    ...node,
    request: new RequestApi(ctx) as WithCamelAliases<RequestApi>,
    response: new ResponseApi(ctx) as WithCamelAliases<ResponseApi>,
    service: new ServiceApi(ctx, environment.upstreamExists) as Pdk['service'],
    client: new ClientApi(ctx, environment.loadConsumer) as WithCamelAliases<ClientApi>,
    router,
    ctx: { shared: ctx.shared, plugin: {} },
  };
}

/**
 * The view one plugin gets: its own logger and kong.ctx.plugin, everything else shared.
 * @example
 * handler(pdkForPlugin(base, ctx, 'acl', log), conf);
 */
export function pdkForPlugin(base: Pdk, ctx: PluginRequestContext, pluginName: string, log: PluginLog): Pdk {
  // A plain literal of one fixed shape: Object.create(base) would turn every request's base into
  // a prototype, which V8 makes expensive (microseconds per request).
  return {
    request: base.request,
    response: base.response,
    service: base.service,
    client: base.client,
    router: base.router,
    cache: base.cache,
    node: base.node,
    version: base.version,
    version_num: base.version_num,
    db: base.db,
    counters: base.counters,
    dictionaries: base.dictionaries,
    log,
    ctx: new PluginCtx(ctx, pluginName),
  };
}

/** kong.router for one request (methods on the prototype: no closures per request). */
class RequestRouter implements RouterApi {
  private readonly ctx: PluginRequestContext;
  constructor(ctx: PluginRequestContext) { this.ctx = ctx; }
  get_route(): Route | null { return this.ctx.route; }
  get_service(): Service | null { return this.ctx.service; }
  getRoute(): Route | null { return this.ctx.route; }
  getService(): Service | null { return this.ctx.service; }
}

/** kong.ctx for one plugin: the plugin's own table is made when the plugin first touches it. */
class PluginCtx implements PdkCtx {
  private readonly request: PluginRequestContext;
  private readonly pluginName: string;
  private own: Record<string, unknown> | null = null;

  constructor(request: PluginRequestContext, pluginName: string) {
    this.request = request;
    this.pluginName = pluginName;
  }

  get shared(): Record<string, unknown> { return this.request.shared; }
  get plugin(): Record<string, unknown> { return (this.own ??= this.request.pluginContext(this.pluginName)); }
}
