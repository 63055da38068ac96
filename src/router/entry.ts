// One compiled router entry: a route (or one path group of a split route) with its matchers,
// evaluated as Kong's compat router expression: AND across fields, OR within a field
// (kong/router/compat.lua `get_expression`).
import { compileSafeRegex } from '../core/regex.ts';
import type { SafeRegex, SafeRegexMatch } from '../core/regex.ts';
import type { Route, Service } from '../entities/types.ts';
import { isRegexPath } from './priority.ts';

export interface HostPattern {
  /** Value as configured, e.g. `*.example.com:8080`. */
  raw: string;
  kind: 'exact' | 'suffix' | 'prefix';
  /** Lower-case host part: full name, `.example.com` for suffix, `example.` for prefix. */
  value: string;
  /** Port the request must carry, or null for any port. */
  port: number | null;
}

export interface PathPattern {
  raw: string;
  /** Literal prefix (prefix paths) or the literal head of a regex (index key). */
  indexKey: string;
  regex: SafeRegex | null;
}

export interface HeaderCondition {
  name: string;
  /** Lower-cased plain values. */
  values: string[];
  /** `~*` values: regexes searched in the lower-cased request value. */
  regexes: SafeRegex[];
}

export interface CompiledEntry {
  id: string;
  priority: bigint;
  /** Position in priority order; lower wins. */
  rank: number;
  route: Route;
  service: Service | null;
  methods: ReadonlySet<string> | null;
  hosts: HostPattern[] | null;
  snis: HostPattern[] | null;
  headers: HeaderCondition[] | null;
  paths: PathPattern[] | null;
}

/** Request fields prepared once per match. */
export interface PreparedRequest {
  method: string;
  path: string;
  hostname: string;
  port: number;
  tls: boolean;
  sni: string | null;
  headers: Record<string, string | string[] | undefined>;
}

/** Details of the last successful `entryMatches` (reused; copied by the router on a win). */
export interface MatchDetails {
  host: HostPattern | null;
  path: PathPattern | null;
  pathMatch: SafeRegexMatch | null;
}

export const lastMatch: MatchDetails = { host: null, path: null, pathMatch: null };

/** Parse `host[:port]` with a leading `*.` or trailing `.*` wildcard (Kong `split_host_port`). */
export function parseHostPattern(raw: string, allowPort: boolean): HostPattern {
  let host = raw.toLowerCase();
  let port: number | null = null;
  // IPv6 literals keep their brackets; otherwise the first `:` starts a (numeric) port.
  const colon = !allowPort ? -1 : host.startsWith('[') ? host.indexOf(']:') + 1 : host.indexOf(':');
  if (colon > 0 && /^\d+$/.test(host.slice(colon + 1))) {
    port = Number(host.slice(colon + 1));
    host = host.slice(0, colon);
  }
  if (host.length > 1 && host.endsWith('.') && !host.endsWith('.*')) host = host.slice(0, -1);
  if (host.startsWith('*')) return { raw, kind: 'suffix', value: host.slice(1), port };
  if (host.endsWith('*')) return { raw, kind: 'prefix', value: host.slice(0, -1), port };
  return { raw, kind: 'exact', value: host, port };
}

export function hostPatternMatches(pattern: HostPattern, hostname: string): boolean {
  if (pattern.kind === 'exact') return hostname === pattern.value;
  if (pattern.kind === 'suffix') return hostname.endsWith(pattern.value);
  return hostname.startsWith(pattern.value);
}

function anyHostPatternMatches(patterns: HostPattern[], name: string): boolean {
  for (const pattern of patterns) {
    if (hostPatternMatches(pattern, name)) return true;
  }
  return false;
}

/**
 * The literal text every match of an (implicitly `^`-anchored) regex must start with; used only
 * as an index key, so it may be shorter than possible but never longer. Any alternation gives ''.
 */
export function regexLiteralPrefix(pattern: string): string {
  if (pattern.includes('|')) return '';
  let end = 0;
  while (end < pattern.length && !'\\.[](){}*+?|^$'.includes(pattern[end])) end++;
  const stop = pattern[end];
  // A quantifier applies to the preceding literal, which therefore is optional.
  if (stop === '*' || stop === '?' || stop === '{' || stop === '+') end = Math.max(0, end - 1);
  return pattern.slice(0, end);
}

export function compilePathPattern(raw: string): PathPattern {
  if (!isRegexPath(raw)) return { raw, indexKey: raw, regex: null };
  const source = raw.slice(1);
  return { raw, indexKey: regexLiteralPrefix(source), regex: compileSafeRegex(source) };
}

export function compileHeaders(headers: Record<string, string[]> | null): HeaderCondition[] | null {
  if (headers === null) return null;
  const names = Object.keys(headers);
  if (names.length === 0) return null;
  return names.map((name) => {
    // ATC field names turn `-` into `_`, so `user_agent` and `user-agent` name the same header;
    // nginx drops underscored request headers, hence the dashed form is the one looked up.
    const condition: HeaderCondition = { name: name.toLowerCase().replace(/_/g, '-'), values: [], regexes: [] };
    for (const value of headers[name] ?? []) {
      // compat.lua: a value starting with `~*` is a regex on the lower-cased request value.
      if (value.startsWith('~*')) condition.regexes.push(compileSafeRegex(value.slice(2), { caseInsensitive: true }));
      else condition.values.push(value.toLowerCase());
    }
    return condition;
  });
}

function headerMatches(condition: HeaderCondition, received: string | string[] | undefined): boolean {
  if (received === undefined) return false;
  if (typeof received === 'string') return headerValueMatches(condition, received.toLowerCase());
  for (const value of received) {
    if (headerValueMatches(condition, value.toLowerCase())) return true;
  }
  return false;
}

function headerValueMatches(condition: HeaderCondition, value: string): boolean {
  if (condition.values.includes(value)) return true;
  for (const regex of condition.regexes) {
    if (regex.test(value)) return true;
  }
  return false;
}

/** Evaluate every field of the entry; on success `lastMatch` describes the winning host/path. */
export function entryMatches(entry: CompiledEntry, request: PreparedRequest): boolean {
  if (entry.methods !== null && !entry.methods.has(request.method)) return false;
  // Route snis only apply to TLS requests (Kong #6425: `net.protocol != "https" || tls.sni == …`).
  if (entry.snis !== null && request.tls) {
    if (request.sni === null || !anyHostPatternMatches(entry.snis, request.sni)) return false;
  }
  let matchedHost: HostPattern | null = null;
  if (entry.hosts !== null) {
    for (const pattern of entry.hosts) {
      if ((pattern.port === null || pattern.port === request.port) && hostPatternMatches(pattern, request.hostname)) {
        matchedHost = pattern;
        break;
      }
    }
    if (matchedHost === null) return false;
  }
  if (entry.headers !== null) {
    for (const condition of entry.headers) {
      if (!headerMatches(condition, request.headers[condition.name])) return false;
    }
  }
  let matchedPath: PathPattern | null = null;
  let pathMatch: SafeRegexMatch | null = null;
  if (entry.paths !== null) {
    for (const pattern of entry.paths) {
      if (pattern.regex === null) {
        if (request.path.startsWith(pattern.raw)) { matchedPath = pattern; break; }
        continue;
      }
      pathMatch = pattern.regex.exec(request.path, true);
      if (pathMatch !== null) { matchedPath = pattern; break; }
    }
    if (matchedPath === null) return false;
  }
  lastMatch.host = matchedHost;
  lastMatch.path = matchedPath;
  lastMatch.pathMatch = pathMatch;
  return true;
}
