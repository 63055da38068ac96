// The router's contract. The router is pure: compile(routes) once per config version, then
// match(request) per request. It knows nothing of sockets or plugins.
import type { Route, Service } from '../entities/types.ts';

/** What the router needs to know about one request. */
export interface RouterRequest {
  /** Upper-case method. */
  method: string;
  /** Path already normalised by `normalizePath` (no query string). */
  path: string;
  /** Host header value as received (may carry a port); lower-cased by the caller. */
  host: string;
  /** Port the client addressed: from the Host header when present, else the listener's port. */
  port: number;
  /** Request header lookup by lower-case name; arrays for repeated headers. */
  headers: Record<string, string | string[] | undefined>;
  /** TLS server name, when the request came over TLS. */
  sni: string | undefined;
  /** `http` or `https` (the connection scheme). */
  scheme: 'http' | 'https';
}

export interface UriCaptures {
  /** Positional captures; index 0 is the whole match (Kong exposes `uri_captures[0]`). */
  unnamed: string[];
  named: Record<string, string>;
}

export interface RouteMatch {
  route: Route;
  /** The route's service, or null when the route has none (→ 503 after access). */
  service: Service | null;
  /** Part of the path matched by the winning path (prefix value or regex match); '' if no path matched. */
  matchedPath: string;
  /** Route path value that matched (e.g. `/foo` or `~/foo/(\d+)`), null when the route has no paths. */
  matchedPathSpec: string | null;
  /** Host value of the route that matched, null when the route has no hosts. */
  matchedHost: string | null;
  captures: UriCaptures | null;
  /** Upstream path built per path_handling/strip_path/service.path (spec §3.6), before re-escaping. */
  upstreamPath: string;
  /** Prefix stripped by strip_path (for X-Forwarded-Prefix), '' when nothing stripped. */
  strippedPrefix: string;
}

export interface Router {
  /** Number of (route, path) entries compiled; for diagnostics. */
  readonly size: number;
  match(request: RouterRequest): RouteMatch | null;
}

/** A route paired with its service (null when unset), as the snapshot hands them over. */
export interface RouteWithService {
  route: Route;
  service: Service | null;
}
