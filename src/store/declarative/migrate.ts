// Format 1.1/2.1 → 3.0 migration of route paths (kong/db/declarative/migrations/route_path.lua
// with kong/db/migrations/migrate_path_280_300.lua): before 3.0 any path could be a regex, so
// a path made only of plain URI characters is kept (normalised) and anything else becomes a
// `~` regex path with percent-encoded unreserved characters decoded one last time.
import { isPlainRecord } from './walk.ts';

const PLAIN_PATH = /^[a-zA-Z0-9.\-_~/%]*$/;
const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Decoded into a regex, these would change its meaning, so they are escaped (Kong's REGEX_META_CHARACTERS). */
const REGEX_META = new Set(['.', '^', '-', '{', '}', '\\', '|']);
/** Kept encoded (uppercased) inside regex paths (Kong's RESERVED_CHARACTERS). */
const RESERVED = new Set([...'!#$%&\'()*+,/:;=?@[]']);

/** kong.tools.uri.normalize(path, true): decode unreserved %XX, uppercase the rest, resolve dot segments, merge slashes. */
export function normalizeUriPath(path: string): string {
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : match.toUpperCase();
  });
  const merged = decoded.replace(/\/{2,}/g, '/');
  const output: string[] = [];
  const segments = merged.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '.') {
      if (last) output.push('');
    } else if (segment === '..') {
      if (output.length > 1) output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  }
  return output.join('/');
}

function normalizeRegexPath(regex: string): string {
  return regex.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    if (RESERVED.has(char)) return match.toUpperCase();
    return REGEX_META.has(char) ? `\\${char}` : char;
  });
}

export function migratePath(path: string): string {
  if (PLAIN_PATH.test(path)) return normalizeUriPath(path);
  return `~${normalizeRegexPath(path)}`;
}

function migrateRoutes(routes: unknown): void {
  if (!Array.isArray(routes)) return;
  for (const route of routes) {
    if (!isPlainRecord(route) || !Array.isArray(route.paths)) continue;
    route.paths = route.paths.map((p) => (typeof p === 'string' ? migratePath(p) : p));
  }
}

/** Rewrites (a copy of) a pre-3.0 document in place: top-level routes and routes nested in services. */
export function migrateLegacyFormat(document: Record<string, unknown>): void {
  migrateRoutes(document.routes);
  if (!Array.isArray(document.services)) return;
  for (const service of document.services) {
    if (isPlainRecord(service)) migrateRoutes(service.routes);
  }
}
