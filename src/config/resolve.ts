// Layering of property values: defaults < conf file < KONG_* env < PORTICO_* env < overrides
// (Kong's order in kong/conf_loader: CLI/custom > env > file > defaults; PORTICO_* is Portico's
// own spelling and beats KONG_* when both are set). Produces one string per set property.
import { readConfFile } from './conf-file.ts';
import { SettingsError } from './errors.ts';
import { ALIAS_GROUPS, KONG_DEFAULTS, PORTICO_DEFAULTS, isKnownProperty, propertyKind } from './properties.ts';
import { parseBoolean, parseNumber } from './values.ts';

const RANK_DEFAULT = 0;
const RANK_FILE = 1;
const RANK_KONG_ENV = 2;
const RANK_PORTICO_ENV = 3;
const RANK_OVERRIDE = 4;

interface Layered {
  value: string;
  rank: number;
}

export interface ResolveInput {
  confPath: string | null;
  env: Record<string, string | undefined>;
  overrides: Record<string, string>;
}

/** Resolved values; a property set to `NONE` (or never set) is absent. */
export type Resolved = Map<string, string>;

function put(into: Map<string, Layered>, name: string, value: string, rank: number): void {
  // An empty value means "not given" (Penlight drops `name =` lines; Kong's defaults use it for
  // unset properties), so it never hides a weaker layer. `NONE` does: it unsets explicitly.
  if (value === '') return;
  const current = into.get(name);
  if (!current || current.rank <= rank) into.set(name, { value, rank });
}

function collectEnv(into: Map<string, Layered>, env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const match = /^(KONG|PORTICO)_(.+)$/.exec(key);
    if (!match) continue;
    const name = match[2]!.toLowerCase();
    // Kong only looks up env vars for properties it knows; anything else is someone else's.
    if (!isKnownProperty(name)) continue;
    put(into, name, value.trim(), match[1] === 'PORTICO' ? RANK_PORTICO_ENV : RANK_KONG_ENV);
  }
}

/** The winner of an alias group: strongest source, ties to the earlier name. */
function resolveAliases(layered: Map<string, Layered>): void {
  for (const group of ALIAS_GROUPS) {
    let winner: Layered | undefined;
    for (const name of group) {
      const candidate = layered.get(name);
      if (candidate && (!winner || candidate.rank > winner.rank)) winner = candidate;
    }
    if (!winner) continue;
    for (const name of group) {
      if (name === group[0] || layered.has(name)) layered.set(name, winner);
    }
  }
}

/** Rejects malformed booleans and numbers of every property, used by Settings or not. */
function checkScalarKinds(resolved: Resolved): void {
  for (const [name, value] of resolved) {
    const kind = propertyKind(name);
    if (kind === 'boolean') parseBoolean(name, value);
    else if (kind === 'number') parseNumber(name, value);
  }
}

export function resolveProperties(input: ResolveInput): Resolved {
  const layered = new Map<string, Layered>();
  for (const [name, value] of KONG_DEFAULTS) put(layered, name, value, RANK_DEFAULT);
  for (const [name, value] of PORTICO_DEFAULTS) put(layered, name, value, RANK_DEFAULT);

  if (input.confPath !== null) {
    for (const entry of readConfFile(input.confPath)) {
      if (!isKnownProperty(entry.name)) {
        throw new SettingsError(`unknown property '${entry.name}' in ${input.confPath}`, entry.name);
      }
      put(layered, entry.name, entry.value, RANK_FILE);
    }
  }
  collectEnv(layered, input.env);
  for (const [name, value] of Object.entries(input.overrides)) {
    if (!isKnownProperty(name)) throw new SettingsError(`unknown property '${name}'`, name);
    put(layered, name, String(value).trim(), RANK_OVERRIDE);
  }
  resolveAliases(layered);

  const resolved: Resolved = new Map();
  for (const name of [...layered.keys()].sort()) {
    const { value } = layered.get(name)!;
    if (value !== 'NONE') resolved.set(name, value);
  }
  checkScalarKinds(resolved);
  return resolved;
}
