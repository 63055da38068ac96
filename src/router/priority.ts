// Route splitting and priority for traditional_compatible (spec kong-core §3.4;
// `split_routes_and_services_by_path` and `get_priority` in kong/router/compat.lua).
import { uuidV5 } from '../core/ids.ts';
import type { Route } from '../entities/types.ts';

/** Namespace Kong's compat router uses for the ids of split routes. */
export const SPLIT_ROUTE_NAMESPACE = '7f145bf9-0dce-4f91-98eb-debbce4b9f6b';

const MAX_HEADER_COUNT = 255n;
const REGEX_PRIORITY_BIAS = 0x8000_0000n;
const REGEX_PRIORITY_MASK = 0xffff_ffffn;

export interface PathGroup {
  /** Id the ATC engine sees: the route id, or the derived v5 UUID of a split group. */
  id: string;
  /** Paths of this group (all regexes, or all prefixes of one length); null when none. */
  paths: string[] | null;
}

export function isRegexPath(path: string): boolean {
  return path.charCodeAt(0) === 126; // '~'
}

function hasValues(field: readonly unknown[] | null | undefined): field is readonly unknown[] {
  return field !== null && field !== undefined && field.length > 0;
}

/**
 * Kong splits a route with more than one path into groups: one for all regex paths and one per
 * prefix length, each with id uuid_v5(`<route id>#<key>`) where key is `true` for the regex group
 * (Lua's tostring(true)) and the prefix length otherwise. Routes with zero or one path keep
 * their own id; a multi-path route gets derived ids even when all its paths share one
 * group. Group order follows first appearance, which only matters for diagnostics.
 */
export function splitRouteByPaths(route: Route): PathGroup[] {
  const paths = route.paths;
  if (!hasValues(paths) || paths.length === 1) {
    return [{ id: route.id, paths: hasValues(paths) ? [...paths] : null }];
  }
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const key = isRegexPath(path) ? 'true' : String(utf8Length(path));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [path]);
    else group.push(path);
  }
  const result: PathGroup[] = [];
  for (const [key, group] of groups) {
    result.push({ id: uuidV5(`${route.id}#${key}`, SPLIT_ROUTE_NAMESPACE), paths: group });
  }
  return result;
}

/** Lua's `#path` counts bytes, not UTF-16 units. */
function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * The 64-bit ATC priority of one (split) route, higher first:
 * bits 61–63 field count · 60 plain hosts only · 52–59 header count · 51 regex paths ·
 * 19–50 regex_priority · 0–18 prefix length.
 * regex_priority is stored biased by 2^31 so negative values sort below zero, which is what
 * admins use them for (Kong's LuaJIT shift of a negative number would instead wrap).
 */
export function computePriority(route: Route, paths: string[] | null): bigint {
  let fieldCount = 0n;
  if (hasValues(route.snis)) fieldCount++;
  if (hasValues(route.methods)) fieldCount++;
  if (hasValues(route.hosts)) fieldCount++;
  let headerCount = route.headers === null ? 0n : BigInt(Object.keys(route.headers).length);
  if (headerCount > 0n) {
    fieldCount++;
    if (headerCount > MAX_HEADER_COUNT) headerCount = MAX_HEADER_COUNT;
  }
  // compat.lua: `plain_host_only = type(hosts) == "table"`, so an empty array counts as plain.
  const plainHostOnly = Array.isArray(route.hosts) && route.hosts.every((host) => !host.includes('*'));
  let regexPaths = false;
  let prefixLength = 0;
  if (paths !== null && paths.length > 0) {
    fieldCount++;
    regexPaths = isRegexPath(paths[0]);
    if (!regexPaths) prefixLength = utf8Length(paths[0]);
  }
  let priority = fieldCount << 61n;
  if (plainHostOnly) priority |= 1n << 60n;
  priority |= headerCount << 52n;
  if (regexPaths) {
    priority |= 1n << 51n;
    const biased = (BigInt(route.regex_priority) + REGEX_PRIORITY_BIAS) & REGEX_PRIORITY_MASK;
    priority |= biased << 19n;
  }
  priority |= BigInt(prefixLength) & 0x7ffffn;
  return priority;
}

/** Sort key comparator: priority descending, then route (group) UUID descending. */
export function compareByPriority(
  a: { priority: bigint; id: string },
  b: { priority: bigint; id: string },
): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  const idA = a.id.toLowerCase();
  const idB = b.id.toLowerCase();
  if (idA === idB) return 0;
  return idA > idB ? -1 : 1;
}
