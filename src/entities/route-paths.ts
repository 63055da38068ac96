// Route path rules (typedefs.router_path and validate_path_with_regexes in
// kong/db/schema/typedefs.lua): prefix paths must already be in normal form, regex paths
// (`~/…`) must compile with the router's regex engine.
import { compileSafeRegex } from '../core/regex.ts';
import { validatePath, validatePercentEncoding } from '../schema/index.ts';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * kong.tools.uri.normalize(path, true): decode `%XX` of unreserved characters, upper-case the
 * other escapes, drop `.` segments, resolve `..`, merge repeated slashes.
 */
export function normalizeRoutePath(path: string): string {
  if (path === '' || path === '/') return path;
  let uri = path.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
  if (!uri.includes('.') && !uri.includes('//')) return uri;
  const segments = uri.split('/');
  const out: string[] = [];
  let trailingSlash = false;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '') {
      trailingSlash = last && i > 0;
    } else if (segment === '..') {
      out.pop();
      trailingSlash = last;
    } else {
      out.push(segment);
      trailingSlash = false;
    }
  });
  uri = `${path.startsWith('/') ? '/' : ''}${out.join('/')}`;
  if (trailingSlash && !uri.endsWith('/')) uri += '/';
  return uri;
}

export function validateRoutePath(path: string): true | string {
  if (!path.startsWith('~')) {
    const basic = validatePath(path);
    if (basic !== true) return basic;
    const normalized = normalizeRoutePath(path);
    if (normalized !== path) return `non-normalized path, consider use '${normalized}' instead`;
    return true;
  }
  // Regex paths may use characters outside RFC 3986, but escapes must still be well formed.
  const percent = validatePercentEncoding(path);
  if (percent !== true) return percent;
  const regex = path.slice(1);
  try {
    compileSafeRegex(regex);
  } catch (err) {
    return `invalid regex: '${regex}' (PCRE returned: ${(err as Error).message})`;
  }
  return true;
}
