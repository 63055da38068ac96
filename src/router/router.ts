// The traditional_compatible router (spec kong-core §3): routes are compiled once per config
// version into ranked entries and indexed by host and path; a match consults only the candidate
// lists for the request's host and path and keeps the best-ranked entry whose fields all match,
// which is exactly the first match of Kong's ATC engine iterating (priority, uuid) descending.
import type { SafeRegexMatch } from '../core/regex.ts';
import type { Route } from '../entities/types.ts';
import type { RouteMatch, Router, RouterRequest, RouteWithService } from './types.ts';
import { compileEntries } from './compile.ts';
import { entryMatches, lastMatch } from './entry.ts';
import type { CompiledEntry, HostPattern, PathPattern, PreparedRequest } from './entry.ts';
import { LruCache } from './lru.ts';
import { PathIndex } from './path-index.ts';
import type { CandidateVisitor } from './path-index.ts';
import { buildUpstreamPath } from './upstream-path.ts';

export type RouterFlavor = 'traditional_compatible';

export interface CompileRouterOptions {
  flavor?: RouterFlavor;
  /** Cached match results (positive and negative); Kong's default is 5000. 0 disables. */
  cacheSize?: number;
  /** Skip routes that fail to compile (invalid regex) and report them here instead of throwing. */
  onInvalidRoute?: (route: Route, error: Error) => void;
}

export interface RouterDiagnostics {
  /** Entries whose fields were evaluated, summed over all uncached matches. */
  entriesEvaluated: number;
  /** Radix nodes visited, summed over all uncached matches. */
  nodesVisited: number;
}

const DEFAULT_CACHE_SIZE = 5000;
const NO_HEADERS: Record<string, string | string[] | undefined> = Object.freeze({});
// Longer keys are not cached: they are rare and would let one client fill memory quickly.
const MAX_CACHED_KEY_LENGTH = 2048;

export class CompiledRouter implements Router, CandidateVisitor {
  readonly size: number;
  readonly diagnostics: RouterDiagnostics = { entriesEvaluated: 0, nodesVisited: 0 };
  private readonly exactHosts = new Map<string, PathIndex>();
  private readonly suffixHosts = new Map<string, PathIndex>();
  private readonly prefixHosts = new Map<string, PathIndex>();
  private readonly anyHost = new PathIndex();
  /** Header names some route conditions on; their values join the cache key. */
  private readonly headerNames: string[];
  private readonly cache: LruCache<string, RouteMatch | null>;
  private readonly prepared: PreparedRequest = {
    method: '', path: '', hostname: '', port: 0, tls: false, sni: null, headers: {},
  };
  private bestRank = Infinity;
  private bestEntry: CompiledEntry | null = null;
  private bestHost: HostPattern | null = null;
  private bestPath: PathPattern | null = null;
  private bestPathMatch: SafeRegexMatch | null = null;

  constructor(entries: CompiledEntry[], cacheSize: number) {
    this.size = entries.length;
    const headerNames = new Set<string>();
    for (const entry of entries) {
      for (const condition of entry.headers ?? []) headerNames.add(condition.name);
      this.indexEntry(entry);
    }
    this.headerNames = [...headerNames].sort();
    for (const index of this.allIndexes()) index.finalize();
    this.cache = new LruCache(cacheSize);
  }

  private indexEntry(entry: CompiledEntry): void {
    if (entry.hosts === null) {
      this.anyHost.add(entry);
      return;
    }
    for (const host of entry.hosts) {
      if (host.kind === 'exact') indexFor(this.exactHosts, host.value).add(entry);
      // Kong only allows whole-label wildcards, so suffixes start and prefixes end with a dot;
      // anything else is still correct when checked against every request.
      else if (host.kind === 'suffix' && host.value.startsWith('.')) indexFor(this.suffixHosts, host.value).add(entry);
      else if (host.kind === 'prefix' && host.value.endsWith('.')) indexFor(this.prefixHosts, host.value).add(entry);
      else this.anyHost.add(entry);
    }
  }

  private *allIndexes(): Iterable<PathIndex> {
    yield this.anyHost;
    yield* this.exactHosts.values();
    yield* this.suffixHosts.values();
    yield* this.prefixHosts.values();
  }

  match(request: RouterRequest): RouteMatch | null {
    const key = this.cacheKey(request);
    if (key !== null) {
      const cached = this.cache.get(key);
      if (cached !== undefined) return cached === null ? null : { ...cached };
    }
    const result = this.find(request);
    if (key !== null) this.cache.set(key, result === null ? null : Object.freeze({ ...result }));
    return result;
  }

  private cacheKey(request: RouterRequest): string | null {
    let key = `${request.method}|${request.host}|${request.port}|${request.scheme}|${request.sni ?? ''}|${request.path}`;
    for (const name of this.headerNames) {
      const value = request.headers[name];
      key += value === undefined ? '|' : typeof value === 'string' ? `|=${value}` : `|=${value.join('\u0000')}`;
    }
    return key.length > MAX_CACHED_KEY_LENGTH ? null : key;
  }

  private find(request: RouterRequest): RouteMatch | null {
    const prepared = this.prepared;
    prepared.method = request.method;
    prepared.path = request.path;
    prepared.hostname = hostnameOf(request.host);
    prepared.port = request.port;
    prepared.tls = request.scheme === 'https';
    prepared.sni = request.sni === undefined || request.sni === '' ? null : normalizeSni(request.sni);
    prepared.headers = request.headers;
    this.bestRank = Infinity;
    this.bestEntry = null;

    const hostname = prepared.hostname;
    this.searchIndex(this.exactHosts.get(hostname));
    if (this.suffixHosts.size > 0 || this.prefixHosts.size > 0) {
      for (let dot = hostname.indexOf('.'); dot !== -1; dot = hostname.indexOf('.', dot + 1)) {
        if (this.suffixHosts.size > 0) this.searchIndex(this.suffixHosts.get(hostname.slice(dot)));
        if (this.prefixHosts.size > 0) this.searchIndex(this.prefixHosts.get(hostname.slice(0, dot + 1)));
      }
    }
    this.searchIndex(this.anyHost);

    // Drop the reference to this request's headers before returning.
    prepared.headers = NO_HEADERS;
    const entry = this.bestEntry as CompiledEntry | null;
    if (entry === null) return null;
    return buildRouteMatch(entry, this.bestHost, this.bestPath, this.bestPathMatch, request.path);
  }

  private searchIndex(index: PathIndex | undefined): void {
    if (index === undefined) return;
    const before = index.nodesVisited;
    index.search(this.prepared.method, this.prepared.path, this);
    this.diagnostics.nodesVisited += index.nodesVisited - before;
  }

  /** CandidateVisitor: lists are rank-sorted, so stop at the first match or a worse rank. */
  visit(list: readonly CompiledEntry[]): void {
    for (const entry of list) {
      if (entry.rank >= this.bestRank) return;
      this.diagnostics.entriesEvaluated++;
      if (entryMatches(entry, this.prepared)) {
        this.bestRank = entry.rank;
        this.bestEntry = entry;
        this.bestHost = lastMatch.host;
        this.bestPath = lastMatch.path;
        this.bestPathMatch = lastMatch.pathMatch;
        return;
      }
    }
  }
}

function indexFor(map: Map<string, PathIndex>, key: string): PathIndex {
  let index = map.get(key);
  if (index === undefined) {
    index = new PathIndex();
    map.set(key, index);
  }
  return index;
}

/** Host header without port and trailing dot, lower-cased (`[v6]:port` keeps its brackets). */
export function hostnameOf(hostHeader: string): string {
  let host = hostHeader;
  if (host.charCodeAt(0) === 91) {
    const close = host.indexOf(']');
    if (close !== -1) host = host.slice(0, close + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) host = host.slice(0, colon);
  }
  if (host.length > 1 && host.charCodeAt(host.length - 1) === 46) host = host.slice(0, -1);
  return host.toLowerCase();
}

function normalizeSni(sni: string): string {
  const lower = sni.toLowerCase();
  return lower.length > 1 && lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function buildRouteMatch(
  entry: CompiledEntry,
  host: HostPattern | null,
  path: PathPattern | null,
  pathMatch: SafeRegexMatch | null,
  requestPath: string,
): RouteMatch {
  const matchedPath = path === null ? '' : pathMatch !== null ? pathMatch.match : path.raw;
  const { upstreamPath, strippedPrefix } = buildUpstreamPath({
    requestPath,
    matchedPath: path === null ? null : matchedPath,
    stripPath: entry.route.strip_path,
    servicePath: entry.service?.path ?? null,
  });
  // Kong exposes uri_captures only for regex paths that have capture groups.
  const captures = pathMatch !== null && path !== null && path.regex !== null && path.regex.groupCount > 0
    ? Object.freeze({
      unnamed: Object.freeze([pathMatch.match, ...pathMatch.groups]) as string[],
      named: Object.freeze(pathMatch.named),
    })
    : null;
  return {
    route: entry.route,
    service: entry.service,
    matchedPath,
    matchedPathSpec: path === null ? null : path.raw,
    matchedHost: host === null ? null : host.raw,
    captures,
    upstreamPath,
    strippedPrefix,
  };
}

/** Compile routes for one config version. Throws on an invalid regex unless `onInvalidRoute` is set. */
export function compileRouter(entries: readonly RouteWithService[], options?: CompileRouterOptions): CompiledRouter {
  const flavor = options?.flavor ?? 'traditional_compatible';
  if (flavor !== 'traditional_compatible') throw new Error(`unsupported router flavor: ${String(flavor)}`);
  return new CompiledRouter(compileEntries(entries, options?.onInvalidRoute), options?.cacheSize ?? DEFAULT_CACHE_SIZE);
}
