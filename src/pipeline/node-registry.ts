// The one way a node (primary, worker, `portico config parse`) loads its plugins from settings,
// so the schemas the primary validates kong.yml with are exactly the ones workers run.
import type { AnyPluginDefinition } from '../pdk/index.ts';
import { directoryLoader, packageLoader, pluginDirectoriesFromPackagePath } from './loaders.ts';
import { createPluginRegistry, type PluginRegistry } from './registry.ts';

/**
 * Loads the `plugins` setting: bundled ones from `bundled`, custom ones from the directories of
 * `lua_package_path`, then from npm packages.
 * @example
 * const registry = await loadNodePlugins(settings.plugins, settings.raw.lua_package_path ?? '', bundledPlugins);
 */
export function loadNodePlugins(
  enabledNames: readonly string[], luaPackagePath: string, bundled: readonly AnyPluginDefinition[],
): Promise<PluginRegistry> {
  const loaders = [...pluginDirectoriesFromPackagePath(luaPackagePath).map((directory) => directoryLoader(directory)), packageLoader()];
  return createPluginRegistry(enabledNames, loaders, { bundled });
}

/**
 * The Admin API's `plugins.available_on_server` map (name → version and priority).
 * @example
 * availablePluginsOf(registry)['key-auth']; // { version: '3.9.1', priority: 1250 }
 */
export function availablePluginsOf(registry: PluginRegistry): Record<string, { version: string; priority: number }> {
  const out: Record<string, { version: string; priority: number }> = {};
  for (const plugin of registry.plugins) out[plugin.name] = { version: plugin.definition.version, priority: plugin.priority };
  return out;
}
