// What settings look like outside the process: GET /'s `configuration` object (secrets redacted)
// and the `<prefix>/.kong_env` file Kong writes with the resolved configuration.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { kongEnvPath } from './prefix.ts';
import type { ListenAddress, Settings } from './types.ts';
import { SENSITIVE_PLACEHOLDER, isSensitive, propertyKind } from './properties.ts';
import { listenerForDisplay } from './listen.ts';
import { parseBoolean, parseList, parseNumber } from './values.ts';

function typedValue(name: string, value: string): unknown {
  switch (propertyKind(name)) {
    case 'boolean': return parseBoolean(name, value);
    case 'number': return parseNumber(name, value);
    case 'array': return parseList(value);
    default: return value;
  }
}

function listeners(addresses: ListenAddress[], value: string | undefined): Record<string, unknown>[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  return addresses.map((address, index) => listenerForDisplay(address, entries[index]!));
}

/**
 * Kong's `configuration` object of GET /: every set property typed as Kong types it (arrays,
 * booleans, numbers), unset ones omitted, the derived `*_listeners`, and every secret that has a
 * value replaced by `******` (Kong's CONF_SENSITIVE_PLACEHOLDER).
 */
export function settingsForDisplay(settings: Settings): Record<string, unknown> {
  const display: Record<string, unknown> = {};
  for (const name of Object.keys(settings.raw).sort()) {
    const value = settings.raw[name]!;
    display[name] = isSensitive(name) ? SENSITIVE_PLACEHOLDER : typedValue(name, value);
  }
  display.database = settings.database;
  display.proxy_listeners = listeners(settings.proxy_listen, settings.raw.proxy_listen);
  display.admin_listeners = listeners(settings.admin_listen, settings.raw.admin_listen);
  display.status_listeners = listeners(settings.status_listen, settings.raw.status_listen);
  display.admin_gui_listeners = listeners(settings.admin_gui_listen, settings.raw.admin_gui_listen);
  display.cluster_listeners = listeners(settings.cluster_listen, settings.raw.cluster_listen);
  display.enabled_headers = Object.fromEntries(settings.headers.map((token) => [token, true]));
  display.enabled_headers_upstream = Object.fromEntries(settings.headers_upstream.map((token) => [token, true]));
  return display;
}

/**
 * One value as a single kong.conf line. Inline PEM (certificates given as content) becomes
 * base64, which Kong accepts interchangeably; any other multi-line value (a YAML
 * declarative_config_string) cannot be written in kong.conf syntax and is left out.
 */
function envLine(name: string, value: string): string {
  if (!value.includes('\n')) return `${name} = ${value.replaceAll('#', '\\#')}\n`;
  if (value.includes('-----BEGIN')) return `${name} = ${Buffer.from(value, 'utf8').toString('base64')}\n`;
  return `# ${name} is multi-line and not written here\n`;
}

/** `name = value` lines, sorted, `#` escaped so the file reads back through the same parser. */
export function formatResolvedEnv(settings: Settings): string {
  return Object.keys(settings.raw).sort().map((name) => envLine(name, settings.raw[name]!)).join('');
}

/**
 * Writes `<prefix>/.kong_env` (creating the prefix) and returns its path. It holds secrets in
 * clear, so it is readable by the owner only.
 */
export function writeResolvedEnv(settings: Settings): string {
  mkdirSync(settings.prefix, { recursive: true });
  const path = kongEnvPath(settings.prefix);
  writeFileSync(path, formatResolvedEnv(settings), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
