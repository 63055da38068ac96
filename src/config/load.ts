// loadSettings: the single entry point that turns defaults, a kong.conf file, KONG_*/PORTICO_*
// environment variables and CLI overrides into validated Settings.
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Settings } from './types.ts';
import { DEFAULT_CONF_PATHS } from './defaults.ts';
import { resolveProperties } from './resolve.ts';
import { buildSettings } from './build.ts';
import { checkCrossProperties } from './checks.ts';

export interface LoadSettingsOptions {
  /** kong.conf path (`-c`); when absent, /etc/kong/kong.conf then /etc/kong.conf are tried. */
  confPath?: string;
  /** Environment to read KONG_* / PORTICO_* from; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Strongest layer (CLI flags such as `-p`), by property name. */
  overrides?: Record<string, string>;
  /** Base for relative paths (prefix); defaults to process.cwd(). */
  cwd?: string;
}

function findConfPath(options: LoadSettingsOptions, cwd: string): string | null {
  if (options.confPath !== undefined) return resolvePath(cwd, options.confPath);
  return DEFAULT_CONF_PATHS.find((path) => existsSync(path)) ?? null;
}

/** Throws SettingsError (message names the property) on any unknown property or bad value. */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const cwd = options.cwd ?? process.cwd();
  const confPath = findConfPath(options, cwd);
  const resolved = resolveProperties({
    confPath,
    env: options.env ?? process.env,
    overrides: options.overrides ?? {},
  });
  const settings = buildSettings(resolved, confPath, cwd);
  checkCrossProperties(settings);
  return settings;
}
