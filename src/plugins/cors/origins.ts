// Origin matching of kong/plugins/cors/handler.lua (configure_origin), compiled once per config
// version: plain entries compare normalised origins, entries with other characters are regexes,
// end-anchored, matched against the host alone unless they contain a `:`.
import { compileSafeRegex, type SafeRegex } from '../../core/regex.ts';

/** An origin reduced as Kong's normalize_origin: `scheme://host[:port]`, default ports dropped. */
export interface NormalizedOrigin { domain: string; host: string }

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };
const PLAIN = /^[A-Za-z0-9.:/-]+$/;

export function normalizeOrigin(origin: string): NormalizedOrigin {
  const match = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/.exec(origin)!;
  const scheme = match[1];
  const host = match[2] ?? '';
  const port = match[3];
  const showPort = port !== undefined && !(scheme !== undefined && DEFAULT_PORTS[scheme.toLowerCase()] === port);
  return { domain: `${scheme === undefined ? '' : `${scheme}://`}${host}${showPort ? `:${port}` : ''}`, host };
}

type Matcher = { regex: SafeRegex; byHost: boolean } | { domain: string };

/**
 * The compiled origins of one cors config.
 * @example
 * const policy = compileOrigins(['https://a.test', 'https?://.*\\.b\\.test']);
 */
export interface OriginPolicy {
  /** No origins or just `*`: `Access-Control-Allow-Origin: *`. */
  allowAll: boolean;
  /** A single plain origin is sent as configured, whatever the request says. */
  fixed: string | null;
  /** The origin to echo for a request Origin, or null when it is not allowed. */
  match(requestOrigin: string): string | null;
}

export function compileOrigins(origins: readonly string[] | null): OriginPolicy {
  const list = origins ?? [];
  const allowAll = list.length === 0 || (list.length === 1 && list[0] === '*');
  const fixed = list.length === 1 && PLAIN.test(list[0]!) ? list[0]! : null;
  const matchers: Matcher[] = list.map((entry) => {
    const byHost = !entry.includes(':');
    if (!/[^A-Za-z0-9.:/-]/.test(entry)) return { domain: normalizeOrigin(entry).domain };
    // Kong anchors user regexes at the end and matches from the start (`^` is implied).
    let source = entry.endsWith('$') ? entry : `${entry}$`;
    if (source.startsWith('^')) source = source.slice(1);
    return { regex: compileSafeRegex(source), byHost };
  });
  return {
    allowAll,
    fixed,
    match(requestOrigin) {
      const normalized = normalizeOrigin(requestOrigin);
      for (const matcher of matchers) {
        const found = 'domain' in matcher
          ? matcher.domain === normalized.domain
          : matcher.regex.testAnchored(matcher.byHost ? normalized.host : normalized.domain);
        if (found) return normalized.domain;
      }
      return null;
    },
  };
}
