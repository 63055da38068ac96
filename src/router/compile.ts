// Turning routes into ranked entries (spec kong-core §3.2–3.4). Done once per config version.
import type { Route, Service } from '../entities/types.ts';
import type { RouteWithService } from './types.ts';
import { compileHeaders, compilePathPattern, parseHostPattern } from './entry.ts';
import type { CompiledEntry } from './entry.ts';
import { compareByPriority, computePriority, splitRouteByPaths } from './priority.ts';

// Route protocols served by the HTTP subsystem; stream-only routes belong to the stream router.
const HTTP_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'grpcs', 'ws', 'wss']);

function isHttpRoute(route: Route): boolean {
  return route.protocols.some((protocol) => HTTP_PROTOCOLS.has(protocol));
}

function nonEmpty<T>(values: T[] | null): T[] | null {
  return values === null || values.length === 0 ? null : values;
}

/**
 * Build the entries in priority order. Routes whose service is disabled are left out (Kong skips
 * them when building the router), as are stream-only routes. A route with an invalid regex
 * (schema validation should have rejected it) throws, or is skipped and reported through
 * `onInvalidRoute` when given, so one bad route cannot take the whole router down.
 */
export function compileEntries(
  routes: readonly RouteWithService[],
  onInvalidRoute?: (route: Route, error: Error) => void,
): CompiledEntry[] {
  const entries: CompiledEntry[] = [];
  for (const { route, service } of routes) {
    if (service !== null && service.enabled === false) continue;
    if (!isHttpRoute(route)) continue;
    if (onInvalidRoute === undefined) {
      entries.push(...compileRoute(route, service));
      continue;
    }
    try {
      entries.push(...compileRoute(route, service));
    } catch (error) {
      onInvalidRoute(route, error instanceof Error ? error : new Error(String(error)));
    }
  }
  entries.sort(compareByPriority);
  for (let index = 0; index < entries.length; index++) entries[index].rank = index;
  return entries;
}

function compileRoute(route: Route, service: Service | null): CompiledEntry[] {
  const methods = nonEmpty(route.methods);
  const hosts = nonEmpty(route.hosts);
  const snis = nonEmpty(route.snis);
  const shared = {
    route,
    service,
    methods: methods === null ? null : new Set(methods.map((method) => method.toUpperCase())),
    hosts: hosts === null ? null : hosts.map((host) => parseHostPattern(host, true)),
    snis: snis === null ? null : snis.map((sni) => parseHostPattern(sni, false)),
    headers: compileHeaders(route.headers),
  };
  return splitRouteByPaths(route).map((group): CompiledEntry => ({
    ...shared,
    id: group.id,
    priority: computePriority(route, group.paths),
    rank: 0,
    paths: group.paths === null ? null : group.paths.map(compilePathPattern),
  }));
}
