// Where custom plugins come from: a directory (Kong's lua_package_path analogue) or an npm
// package. A loader returns the plugin module, or null when it has no plugin of that name; the
// registry turns the module into a definition (Portico's definePlugin or the kong-pdk contract).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromKongPdkModule, isKongPdkModule, type AnyPluginDefinition } from '../pdk/index.ts';

/**
 * Finds the module of a plugin by name; null = not here.
 * @example
 * const loader: PluginLoader = async (name) => (name === 'x' ? import('./x.ts') : null);
 */
export type PluginLoader = (name: string) => Promise<unknown>;

const EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs'];

function candidates(directory: string, name: string): string[] {
  const out: string[] = [];
  for (const extension of EXTENSIONS) {
    out.push(join(directory, name, `index${extension}`));
    out.push(join(directory, name, `handler${extension}`));
    out.push(join(directory, `${name}${extension}`));
    // Kong's own layout: kong/plugins/<name>/handler.
    out.push(join(directory, 'kong', 'plugins', name, `handler${extension}`));
  }
  return out;
}

/**
 * Loads `<directory>/<name>/index.{ts,js,mjs,cjs}`, `<directory>/<name>.{…}` or Kong's
 * `<directory>/kong/plugins/<name>/handler.{…}`.
 * @example
 * const registry = await createPluginRegistry(['bundled', 'my-plugin'], [directoryLoader('/etc/portico/plugins')]);
 */
export function directoryLoader(directory: string): PluginLoader {
  const base = resolve(directory);
  return async (name) => {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) return null;
    for (const file of candidates(base, name)) {
      if (existsSync(file)) return import(pathToFileURL(file).href);
    }
    return null;
  };
}

/**
 * Loads an npm package named like the plugin (or `portico-plugin-<name>` / `kong-plugin-<name>`),
 * resolved from `fromDirectory` (default: the working directory).
 * @example
 * const loader = packageLoader();
 */
export function packageLoader(fromDirectory = process.cwd()): PluginLoader {
  const require = createRequire(join(fromDirectory, 'noop.js'));
  return async (name) => {
    for (const packageName of [name, `portico-plugin-${name}`, `kong-plugin-${name}`]) {
      let resolved: string;
      try {
        resolved = require.resolve(packageName);
      } catch {
        continue;
      }
      return import(isAbsolute(resolved) ? pathToFileURL(resolved).href : resolved);
    }
    return null;
  };
}

/**
 * Directories named by a `lua_package_path`-style setting (`./?.lua;/opt/plugins/?/init.lua;;`):
 * the part before each `?`, so Kong users' paths keep working.
 * @example
 * pluginDirectoriesFromPackagePath('./?.lua;/opt/p/?/init.lua;'); // ['.', '/opt/p']
 */
export function pluginDirectoriesFromPackagePath(packagePath: string): string[] {
  const out: string[] = [];
  for (const entry of packagePath.split(';')) {
    const at = entry.indexOf('?');
    if (at === -1) continue;
    const directory = entry.slice(0, at).replace(/[\\/]+$/, '') || '.';
    if (!out.includes(directory)) out.push(directory);
  }
  return out;
}

function isDefinition(value: unknown): value is AnyPluginDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<AnyPluginDefinition>;
  return typeof candidate.priority === 'number' && typeof candidate.schema === 'object' && candidate.schema !== null;
}

/**
 * The plugin definition a module exports: `plugin`, `default` or the module itself when it is a
 * definePlugin result; or a kong-pdk module (`Plugin`, `Schema`, `Version`, `Priority`).
 * @example
 * definitionFromModule('my-plugin', await import('./my-plugin/index.ts'));
 */
export function definitionFromModule(name: string, module: unknown): AnyPluginDefinition {
  const namespace = module as Record<string, unknown>;
  for (const candidate of [namespace.plugin, namespace.default, namespace]) {
    if (isDefinition(candidate)) return { ...candidate, name };
    if (isKongPdkModule(candidate)) return { ...fromKongPdkModule(name, candidate), name };
  }
  throw new Error(`${name} plugin module exports neither a definePlugin() definition nor a kong-pdk Plugin`);
}
