// The plugin lookup table of one config version: every enabled plugin row prepared once
// (prepare(conf)), indexed by (route, service, consumer) per plugin, with the per-phase lists
// the runner walks. Kong's plugins_iterator rebuild, done once per snapshot instead of lazily.
import { createLogger, type Logger } from '../core/logger.ts';
import type { Plugin } from '../entities/types.ts';
import { createNodePdk, NodeCache, type NodePdk, type PdkEnvironment } from '../pdk/index.ts';
import { logFailure, type LoadedPlugin, type PluginRegistry } from './registry.ts';

/**
 * One plugin row, ready to run: its prepared conf and the plugin it belongs to.
 * @example
 * const configured = entry.lookup(route.id, service.id, consumer?.id ?? null);
 */
export interface ConfiguredPlugin {
  readonly plugin: LoadedPlugin;
  readonly row: Plugin;
  /** What prepare(conf) returned (the row's config when the plugin has no prepare). */
  readonly conf: unknown;
  /** Logger bound to the plugin name (kong.log). */
  readonly logger: Logger;
}

/**
 * The eight precedence levels of Kong's lookup_cfg (kong-core §5.3), most specific first:
 * which of route/service/consumer each level keys on.
 * @example
 * PRECEDENCE_LEVELS[0]; // [true, true, true]: route + service + consumer
 */
export const PRECEDENCE_LEVELS: ReadonlyArray<readonly [route: boolean, service: boolean, consumer: boolean]> = [
  [true, true, true], [true, false, true], [false, true, true], [true, true, false],
  [false, false, true], [true, false, false], [false, true, false], [false, false, false],
];

const HTTP_SUBSYSTEM = new Set(['http', 'https', 'grpc', 'grpcs']);

function scopeKey(route: string | null, service: string | null, consumer: string | null): string {
  return `${route ?? ''}|${service ?? ''}|${consumer ?? ''}`;
}

function levelOf(row: Plugin): number {
  const has = [row.route !== null, row.service !== null, row.consumer !== null];
  return PRECEDENCE_LEVELS.findIndex((level) => level[0] === has[0] && level[1] === has[1] && level[2] === has[2]);
}

/**
 * All configs of one plugin in this config version.
 * @example
 * table.entries[0].lookup(routeId, serviceId, consumerId)?.conf;
 */
export class PluginEntry {
  readonly plugin: LoadedPlugin;
  readonly global: ConfiguredPlugin | null;
  /** True when the plugin has handlers after access (header_filter, body_filter, log, response). */
  readonly collects: boolean;
  private readonly byScope: Map<string, ConfiguredPlugin>;
  /** Bit n set = some row sits at precedence level n (skips lookups that cannot hit). */
  private readonly levels: number;

  constructor(plugin: LoadedPlugin, configs: ConfiguredPlugin[]) {
    this.plugin = plugin;
    this.byScope = new Map();
    let levels = 0;
    let global: ConfiguredPlugin | null = null;
    for (const configured of configs) {
      const row = configured.row;
      this.byScope.set(scopeKey(row.route?.id ?? null, row.service?.id ?? null, row.consumer?.id ?? null), configured);
      const level = levelOf(row);
      levels |= 1 << level;
      if (level === 7) global = configured;
    }
    this.levels = levels;
    this.global = global;
    const definition = plugin.definition;
    this.collects = Boolean(definition.response || definition.header_filter || definition.body_filter || definition.log);
  }

  /** The most specific config for these ids (Kong's lookup_cfg), honouring no_route/no_service/no_consumer. */
  lookup(routeId: string | null, serviceId: string | null, consumerId: string | null): ConfiguredPlugin | null {
    const schema = this.plugin.definition.schema;
    const route = schema.no_route ? null : routeId;
    const service = schema.no_service ? null : serviceId;
    const consumer = schema.no_consumer ? null : consumerId;
    for (let level = 0; level < 8; level++) {
      if ((this.levels & (1 << level)) === 0) continue;
      const [byRoute, byService, byConsumer] = PRECEDENCE_LEVELS[level]!;
      if ((byRoute && route === null) || (byService && service === null) || (byConsumer && consumer === null)) continue;
      const found = this.byScope.get(scopeKey(byRoute ? route : null, byService ? service : null, byConsumer ? consumer : null));
      if (found !== undefined) return found;
    }
    return null;
  }
}

/**
 * The plugin lookup table of one config version.
 * @example
 * const run = table.empty ? null : new PluginRun(table, ctx);
 */
export interface PluginTable {
  readonly version: number;
  /** No enabled plugin at all: the proxy skips the pipeline entirely (passthrough fast path). */
  readonly empty: boolean;
  /** Plugins with at least one enabled row, in execution order. */
  readonly entries: readonly PluginEntry[];
  /** Global configs in execution order (rewrite/certificate, and requests no route matched). */
  readonly globals: readonly ConfiguredPlugin[];
  readonly hasRewrite: boolean;
  readonly hasCertificate: boolean;
  readonly environment: PdkEnvironment;
  /** Node-level PDK per plugin name (prepare/configure and kong.node/kong.cache in requests). */
  readonly nodePdks: ReadonlyMap<string, NodePdk>;
}

/**
 * What a table build needs besides the rows and registry.
 * @example
 * await buildPluginTable(rows, registry, { version: snapshot.version, environment });
 */
export interface PluginTableOptions {
  version: number;
  environment: PdkEnvironment;
}

/**
 * Builds the table for one config version. Disabled rows are skipped; a row naming a plugin
 * this node did not load fails the build as Kong's iterator rebuild does.
 * @example
 * const table = await buildPluginTable(entities.plugins, registry, { version, environment });
 * if (!table.empty) { … run phases … }
 */
export async function buildPluginTable(rows: readonly Plugin[], registry: PluginRegistry, options: PluginTableOptions): Promise<PluginTable> {
  const environment = options.environment;
  const byPlugin = new Map<string, ConfiguredPlugin[]>();
  const nodePdks = new Map<string, NodePdk>();
  const loggers = new Map<string, Logger>();
  for (const row of rows) {
    // `protocols` only picks the subsystem (kong-core §5.1): stream-only rows never run here, and
    // an `https`-only row still runs for plain http.
    if (!row.enabled || !row.protocols.some((protocol) => HTTP_SUBSYSTEM.has(protocol))) continue;
    const plugin = registry.get(row.name);
    if (plugin === undefined) throw new Error(`${row.name} plugin is in use but not enabled`);
    let nodePdk = nodePdks.get(plugin.name);
    if (nodePdk === undefined) {
      nodePdk = createNodePdk(environment, plugin.name);
      nodePdks.set(plugin.name, nodePdk);
      loggers.set(plugin.name, environment.logger.child({ plugin: plugin.name }));
    }
    const prepare = plugin.definition.prepare;
    let conf: unknown = row.config;
    if (prepare !== undefined) {
      try {
        conf = prepare(row.config, nodePdk, row) ?? row.config;
      } catch (error) {
        throw new Error(`${plugin.name} plugin ${row.id} could not be prepared: ${(error as Error).message}`);
      }
    }
    const list = byPlugin.get(plugin.name) ?? [];
    list.push({ plugin, row, conf, logger: loggers.get(plugin.name)! });
    byPlugin.set(plugin.name, list);
  }

  const entries: PluginEntry[] = [];
  for (const plugin of registry.plugins) {
    const configs = byPlugin.get(plugin.name);
    if (configs !== undefined) entries.push(new PluginEntry(plugin, configs));
    const configure = plugin.definition.configure;
    if (configure === undefined) continue;
    // Kong calls configure on every rebuild with all enabled configs (none → an empty list here).
    try {
      await configure(nodePdks.get(plugin.name) ?? createNodePdk(environment, plugin.name), (configs ?? []).map((configured) => configured.row.config));
    } catch (error) {
      logFailure(environment.logger, plugin.name, 'configure', error);
    }
  }
  const globals = entries.flatMap((entry) => (entry.global === null ? [] : [entry.global]));
  return {
    version: options.version,
    empty: entries.length === 0,
    entries,
    globals,
    hasRewrite: globals.some((configured) => configured.plugin.definition.rewrite !== undefined),
    hasCertificate: globals.some((configured) => configured.plugin.definition.certificate !== undefined),
    environment,
    nodePdks,
  };
}

let placeholderEnvironment: PdkEnvironment | null = null;

/**
 * The table of a config version without enabled plugins, for snapshots built without a registry
 * (tests, the primary). Its environment is never used: the proxy does not run an empty table.
 * @example
 * const plugins = options.plugins ?? emptyPluginTable(version);
 */
export function emptyPluginTable(version: number): PluginTable {
  placeholderEnvironment ??= {
    logger: createLogger('crit'),
    cache: new NodeCache(),
    nodeId: '00000000-0000-0000-0000-000000000000',
    loadConsumer: async () => null,
    upstreamExists: () => false,
  };
  return {
    version, empty: true, entries: [], globals: [], hasRewrite: false, hasCertificate: false,
    environment: placeholderEnvironment, nodePdks: new Map(),
  };
}
