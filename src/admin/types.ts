// What the Admin and Status API servers need from the composition root (main.ts).
import type { IncomingMessage } from 'node:http';
import type { Settings } from '../config/types.ts';
import type { EntitySet } from '../entities/types.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../store/types.ts';
import type { ParsedBody } from './http/body.ts';
import type { Params } from './http/router.ts';
import type { ServerCounters } from '../core/server-counters.ts';

export type { ServerCounters };

/** A bundled or custom plugin the node can run, for `GET /` and `/plugins/enabled`. */
export interface AvailablePlugin {
  version: string;
  priority: number;
}

export interface StatusDeps {
  settings: Settings;
  /** The current store (swapped on every config reload). */
  store: () => Store;
  /** Current declarative config hash (32 hex; 32 zeros when empty); null when none was ever loaded. */
  getConfigHash: () => string | null;
  nodeId: string;
  logger: Logger;
  /** Node-wide proxy counters; without it (or when it yields null) the serving listener counts its own traffic. */
  counters?: () => ServerCounters | null | Promise<ServerCounters | null>;
  /** Extra not-ready reason (e.g. router builds not complete on every worker); null = ready. */
  readiness?: () => string | null;
  /** Called when a client asks to drain (`POST /status/ready {"status":"draining"}`). */
  onDraining?: () => void;
  /**
   * The node's Prometheus exposition for `GET /metrics` (the prometheus plugin's exporter,
   * aggregated over the node's workers); the endpoint is not offered without it.
   */
  metrics?: (node: { counters: ServerCounters; datastoreReachable: boolean | null }) => Promise<string>;
}

/** What the balancer of one upstream reports (the proxy's BalancerStatus, structurally). */
export interface UpstreamBalancerStatus {
  healthy: boolean;
  weight: { total: number; unavailable: number; available: number };
  hosts: Array<{
    targetId: string;
    host: string;
    port: number;
    /** `A`, `AAAA`, `SRV`, or the DNS error. */
    dns: string;
    nodeWeight: number;
    weight: { total: number; unavailable: number; available: number };
    addresses: Array<{ ip: string; port: number; weight: number; healthy: boolean }>;
  }>;
}

/** Node-local balancer health, for /upstreams/{u}/health and the target health overrides. */
export interface TargetHealthSource {
  /** Null when the upstream has no balancer on this node yet. */
  status(upstreamId: string): UpstreamBalancerStatus | null;
  /** Marks a target (or one of its addresses, `ip:port`) healthy/unhealthy on every worker. */
  setHealth(upstreamId: string, targetId: string, address: string | null, healthy: boolean): Promise<void>;
}

export interface AdminDeps extends StatusDeps {
  /** Swaps the configuration on every worker; resolves once done (DB-less POST /config). */
  applyConfig: (result: { entities: EntitySet; hash: string }) => Promise<void>;
  /** Plugins loadable on this node, by name (from the plugin registry). */
  availablePlugins?: () => Record<string, AvailablePlugin>;
  /** Worker process ids for `GET /` (`pids.workers`); defaults to this process. */
  workerPids?: () => number[];
  /** Balancer health; without it the health endpoints are not offered. */
  upstreamHealth?: TargetHealthSource;
  /** Endpoints declared by loaded plugins (Kong's plugin api.lua, e.g. /proxy-cache). */
  pluginEndpoints?: () => readonly PluginEndpoint[];
}

/** A plugin's Admin API endpoint (structurally the PDK's PluginApiRoute). */
export interface PluginEndpoint {
  method: string;
  /** `{param}` template, as the Admin router's. */
  path: string;
  handle(request: { params: Readonly<Record<string, string>>; query: URLSearchParams; body: unknown }):
    { status: number; body?: unknown; headers?: Record<string, string> } | Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;
}

/** One request as an Admin API handler sees it. */
export interface AdminContext {
  req: IncomingMessage;
  method: string;
  /** Raw (still percent-encoded) path without query string. */
  path: string;
  params: Params;
  query: URLSearchParams;
  body: ParsedBody;
}

export interface AdminReply {
  status: number;
  /** JSON-serialised unless `text` is set; omitted for empty bodies. */
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type AdminHandler = (ctx: AdminContext) => Promise<AdminReply> | AdminReply;

export interface RouteHandler {
  handle: AdminHandler;
  /** `/config` alone also accepts `application/yaml` and `text/yaml` bodies. */
  acceptYaml?: boolean;
}
