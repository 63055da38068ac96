// An in-process harness that drives one request through the phases the way the proxy does —
// rewrite, (route), access, upstream or short circuit, response, header_filter, body_filter,
// log — without HTTP. Plugin tests use it; HTTP-level behaviour is tested against the proxy.
import { createLogger, type Logger } from '../core/logger.ts';
import type { Consumer, Plugin, Route, Service } from '../entities/types.ts';
import { NodeCache, PluginRequestContext, type AnyPluginDefinition, type PdkDb, type PdkEnvironment } from '../pdk/index.ts';
import { createPluginRegistry, type PluginRegistry } from './registry.ts';
import { PluginRun } from './runner.ts';
import { buildPluginTable, type PluginTable } from './table.ts';

/**
 * One request for the harness; omit `route` for a no-route request.
 * @example
 * await harness.request({ route, service, headers: { apikey: 'k' } });
 */
export interface HarnessRequest {
  method?: string;
  path?: string;
  /** Raw query without `?`. */
  query?: string;
  host?: string;
  scheme?: 'http' | 'https';
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  clientIp?: string;
  /** The route the router matched; omit for "no route matched" (404, globals only). */
  route?: Route;
  service?: Service | null;
}

/**
 * The simulated upstream response.
 * @example
 * await harness.request({ route, service }, { status: 200, body: 'hello', chunkSize: 2 });
 */
export interface HarnessUpstream {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Split the body into chunks of this many bytes for body_filter (default: one chunk). */
  chunkSize?: number;
}

/**
 * What the client would get, plus the request's context and run.
 * @example
 * const { status, headers, body } = await harness.request({ route, service });
 */
export interface HarnessResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** The request reached the (simulated) upstream. */
  proxied: boolean;
  ctx: PluginRequestContext;
  run: PluginRun;
}

/**
 * Plugins, rows and node services for a harness.
 * @example
 * await createPluginHarness({ plugins: [plugin], rows: [pluginRow('my-plugin', {})] });
 */
export interface HarnessOptions {
  plugins: readonly AnyPluginDefinition[];
  rows: readonly Plugin[];
  consumers?: readonly Consumer[];
  upstreamNames?: readonly string[];
  logger?: Logger;
  cache?: NodeCache;
  version?: number;
  /** kong.db for plugins that own entities (e.g. a memory Store holding credentials). */
  db?: PdkDb;
}

/**
 * A registry + table and a request driver.
 * @example
 * const harness: PluginHarness = await createPluginHarness(options);
 */
export interface PluginHarness {
  registry: PluginRegistry;
  table: PluginTable;
  environment: PdkEnvironment;
  /** Log lines written by plugins and the runner (JSON strings). */
  logLines: string[];
  request(request: HarnessRequest, upstream?: HarnessUpstream): Promise<HarnessResult>;
}

/**
 * Builds a registry + table for `plugins`/`rows` and returns a request driver.
 * @example
 * const harness = await createPluginHarness({ plugins: [myPlugin], rows: [pluginRow('my-plugin', {})] });
 * const result = await harness.request({ route, service, headers: { apikey: 'k' } });
 */
export async function createPluginHarness(options: HarnessOptions): Promise<PluginHarness> {
  const logLines: string[] = [];
  const logger = options.logger ?? createLogger('debug', {}, (line) => { logLines.push(line); });
  const consumers = options.consumers ?? [];
  const environment: PdkEnvironment = {
    logger,
    cache: options.cache ?? new NodeCache(),
    nodeId: '00000000-0000-4000-8000-000000000001',
    hostname: 'harness',
    loadConsumer: async (key, byUsername) =>
      consumers.find((consumer) => consumer.id === key) ?? (byUsername ? consumers.find((consumer) => consumer.username === key) : undefined) ?? null,
    upstreamExists: (name) => (options.upstreamNames ?? []).includes(name),
    db: options.db,
  };
  const names = options.plugins.map((plugin) => plugin.name);
  const registry = await createPluginRegistry(names, [], { bundled: options.plugins });
  const table = await buildPluginTable(options.rows, registry, { version: options.version ?? 1, environment });
  return { registry, table, environment, logLines, request: (request, upstream) => drive(table, request, upstream ?? {}) };
}

async function drive(table: PluginTable, request: HarnessRequest, upstream: HarnessUpstream): Promise<HarnessResult> {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const ip = request.clientIp ?? '127.0.0.1';
  const ctx = new PluginRequestContext({
    requestId: 'a'.repeat(32),
    request: {
      method: request.method ?? 'GET', scheme: request.scheme ?? 'http', host: request.host ?? 'example.test', port: 8000,
      path: request.path ?? '/', rawQuery: request.query ?? '', headers, readBody: async () => body,
      forwardedScheme: request.scheme ?? 'http', forwardedHost: request.host ?? 'example.test', forwardedPort: 8000,
      forwardedPath: request.path ?? '/',
    },
    client: { ip, forwardedIp: ip, port: 40000, forwardedPort: 40000 },
    route: request.route ?? null,
    service: request.service ?? null,
  });
  const run = new PluginRun(table, ctx);
  await run.rewrite();
  if (ctx.exit === null) {
    if (request.route === undefined) run.error(404, 'no Route matched with those values');
    else await run.access();
  }
  const proxied = ctx.exit === null;
  if (proxied) {
    const upstreamBody = Buffer.from(upstream.body ?? '');
    run.beginServiceResponse(upstream.status ?? 200, upstream.headers ?? {}, run.needsResponseBuffering ? upstreamBody : null);
    if (run.needsResponseBuffering) await run.response();
  }
  await run.headerFilter();
  const source = ctx.exit !== null ? Buffer.from(ctx.exit.body) : (ctx.responseBody ?? Buffer.from(upstream.body ?? ''));
  const size = upstream.chunkSize ?? Math.max(source.length, 1);
  const out: Buffer[] = [];
  for (let offset = 0; offset < source.length || offset === 0; offset += size) {
    const chunk = source.subarray(offset, offset + size);
    const last = offset + size >= source.length;
    out.push(run.hasBodyFilter ? await run.bodyFilter(chunk, last) : chunk);
    if (last) break;
  }
  const result: HarnessResult = {
    status: ctx.status, headers: ctx.responseHeaders.toObject(), body: Buffer.concat(out).toString(), proxied, ctx, run,
  };
  await run.log();
  return result;
}

let rowCounter = 0;

/**
 * A plugin row for tests (scope ids optional).
 * @example
 * pluginRow('key-auth', { key_names: ['apikey'] }, { route: route.id });
 */
export function pluginRow(
  name: string, config: Record<string, unknown>, scope: { route?: string; service?: string; consumer?: string; enabled?: boolean } = {},
): Plugin {
  rowCounter++;
  return {
    id: `00000000-0000-4000-9000-${String(rowCounter).padStart(12, '0')}`,
    created_at: 0, updated_at: 0, name, instance_name: null,
    route: scope.route === undefined ? null : { id: scope.route },
    service: scope.service === undefined ? null : { id: scope.service },
    consumer: scope.consumer === undefined ? null : { id: scope.consumer },
    config, protocols: ['grpc', 'grpcs', 'http', 'https'], enabled: scope.enabled ?? true, tags: null,
  };
}
