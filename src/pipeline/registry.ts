// The plugins this node loads (Kong's `plugins` setting: `bundled`, `off`, or names). Each
// loaded plugin's schema is registered so `/schemas/plugins/{name}` and plugin validation treat
// custom plugins exactly like bundled ones.
import type { Logger } from '../core/logger.ts';
import { defineEntity, registerEntityDefinition, registerPluginSchema } from '../entities/index.ts';
import { createNodePdk, type AnyPluginDefinition, type PdkEnvironment } from '../pdk/index.ts';
import { definitionFromModule, type PluginLoader } from './loaders.ts';

/**
 * One loaded plugin. `order` is its place in Kong's execution order (0 runs first).
 * @example
 * registry.get('key-auth')?.priority; // 1250
 */
export interface LoadedPlugin {
  readonly name: string;
  readonly definition: AnyPluginDefinition;
  readonly priority: number;
  readonly order: number;
  readonly bundled: boolean;
}

/**
 * The plugins this node loaded, in execution order.
 * @example
 * if (!registry.has(row.name)) throw new Error(`${row.name} plugin is in use but not enabled`);
 */
export interface PluginRegistry {
  /** Loaded plugins in execution order. */
  readonly plugins: readonly LoadedPlugin[];
  get(name: string): LoadedPlugin | undefined;
  has(name: string): boolean;
  /** Runs every plugin's init_worker once; failures are logged, never fatal (Kong). */
  initWorker(environment: PdkEnvironment): Promise<void>;
}

/**
 * Registry options.
 * @example
 * await createPluginRegistry(settings.plugins, loaders, { bundled: bundledPlugins });
 */
export interface RegistryOptions {
  /**
   * The bundled list: main.ts passes `bundledPlugins` from src/plugins/index.ts (the pipeline may
   * not import plugins, ARCHITECTURE.md's layer table). Default: none.
   */
  bundled?: readonly AnyPluginDefinition[];
  /** Register schemas in the entities' plugin registry (default true). */
  registerSchemas?: boolean;
}

/**
 * Kong's sort_by_handler_priority: PRIORITY descending; equal priorities by name descending.
 * (Kong leaves ties at priority 0 unordered; Portico orders them by name too, to be deterministic.)
 * @example
 * definitions.sort(compareExecutionOrder);
 */
export function compareExecutionOrder(a: { name: string; priority: number }, b: { name: string; priority: number }): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

async function loadCustom(name: string, loaders: readonly PluginLoader[]): Promise<AnyPluginDefinition> {
  const failures: string[] = [];
  for (const loader of loaders) {
    let module: unknown;
    try {
      module = await loader(name);
    } catch (error) {
      failures.push((error as Error).message);
      continue;
    }
    if (module !== null && module !== undefined) return definitionFromModule(name, module);
  }
  const detail = failures.length === 0 ? `no plugin module named '${name}' was found` : failures.join('; ');
  throw new Error(`${name} plugin is enabled but not installed;\n${detail}`);
}

/**
 * Loads the plugins named by the `plugins` setting and registers their schemas.
 * @example
 * const registry = await createPluginRegistry(settings.plugins, [directoryLoader('./plugins'), packageLoader()]);
 * registry.get('key-auth')?.priority; // 1250
 */
export async function createPluginRegistry(
  enabledNames: readonly string[], loaders: readonly PluginLoader[] = [], options: RegistryOptions = {},
): Promise<PluginRegistry> {
  const bundled = options.bundled ?? [];
  const byName = new Map<string, { definition: AnyPluginDefinition; bundled: boolean }>();
  const names = enabledNames.map((name) => name.trim()).filter((name) => name !== '');
  if (!(names.length === 1 && names[0] === 'off')) {
    for (const name of names) {
      if (name === 'off') throw new Error("'off' cannot be used with other plugin names");
      if (name === 'bundled') {
        for (const definition of bundled) byName.set(definition.name, { definition, bundled: true });
        continue;
      }
      if (byName.has(name)) continue;
      const builtIn = bundled.find((definition) => definition.name === name);
      byName.set(name, builtIn ? { definition: builtIn, bundled: true } : { definition: await loadCustom(name, loaders), bundled: false });
    }
  }
  const sorted = [...byName.entries()]
    .map(([name, entry]) => ({ name, priority: entry.definition.priority, ...entry }))
    .sort(compareExecutionOrder);
  const plugins: LoadedPlugin[] = sorted.map((entry, order) => ({
    name: entry.name, definition: entry.definition, priority: entry.priority, order, bundled: entry.bundled,
  }));
  if (options.registerSchemas !== false) {
    for (const plugin of plugins) {
      registerPluginSchema(plugin.name, plugin.definition.schema);
      // Kong loads each plugin's daos.lua with the plugin: its tables exist only when it is enabled.
      for (const dao of plugin.definition.daos ?? []) registerEntityDefinition(defineEntity(dao));
    }
  }
  const index = new Map(plugins.map((plugin) => [plugin.name, plugin]));
  return {
    plugins,
    get: (name) => index.get(name),
    has: (name) => index.has(name),
    async initWorker(environment: PdkEnvironment): Promise<void> {
      for (const plugin of plugins) {
        const handler = plugin.definition.init_worker;
        if (handler === undefined) continue;
        try {
          await handler(createNodePdk(environment, plugin.name));
        } catch (error) {
          logFailure(environment.logger, plugin.name, 'init_worker', error);
        }
      }
    },
  };
}

/**
 * One log line per plugin failure: the plugin and phase, the error (never the config).
 * @example
 * logFailure(logger, 'http-log', 'log', error);
 */
export function logFailure(logger: Logger, plugin: string, phase: string, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  logger.error(`[${plugin}] ${phase} failed: ${err.message}`, { plugin, phase, stack: err.stack });
}
