// Upstream path construction (spec kong-core §3.6; `get_upstream_uri_v0` and
// `sanitize_uri_postfix` in kong/router/utils.lua). `v1` is ignored by traditional_compatible,
// so every route is built with the v0 rules; `buildUpstreamPathV1` exists for the traditional
// flavor only.

export interface UpstreamPathInput {
  /** The normalised request path. */
  requestPath: string;
  /** Matched prefix text (prefix value or regex match) or null when the route has no paths. */
  matchedPath: string | null;
  stripPath: boolean;
  /** Service path; null (or no service) means `/`. */
  servicePath: string | null;
}

export interface UpstreamPath {
  upstreamPath: string;
  /** What strip_path removed ('' when nothing), the value of X-Forwarded-Prefix. */
  strippedPrefix: string;
}

/** Kong drops a leading `./` or `../` (or a bare `.`/`..`) left over after stripping. */
export function sanitizeUriPostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return '';
  if (postfix.startsWith('./')) return postfix.slice(2);
  if (postfix.startsWith('../')) return postfix.slice(3);
  return postfix;
}

export function buildUpstreamPath(input: UpstreamPathInput): UpstreamPath {
  const { requestPath, matchedPath, stripPath } = input;
  const base = input.servicePath ?? '/';
  const prefix = stripPath && matchedPath !== null ? matchedPath : null;
  const postfix = sanitizeUriPostfix(prefix !== null ? requestPath.slice(prefix.length) : requestPath.slice(1));
  return { upstreamPath: upstreamUriV0(base, stripPath, postfix, requestPath), strippedPrefix: prefix ?? '' };
}

function upstreamUriV0(base: string, stripPath: boolean, postfix: string, requestPath: string): string {
  if (base.endsWith('/')) {
    if (!stripPath) return base + requestPath.slice(1);
    if (postfix === '') {
      if (base === '/') return '/';
      return requestPath.endsWith('/') ? base : base.slice(0, -1);
    }
    // Avoid a double slash between base and postfix.
    if (postfix.startsWith('/')) return base.slice(0, -1) + postfix;
    return base + postfix;
  }
  if (!stripPath) return requestPath === '/' ? base : base + requestPath;
  if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? base + '/' : base;
  if (postfix.startsWith('/')) return base + postfix;
  return base + '/' + postfix;
}

/** Deprecated `path_handling = v1` (traditional flavor only): plain concatenation, `//` collapsed. */
export function buildUpstreamPathV1(input: UpstreamPathInput): UpstreamPath {
  const { requestPath, matchedPath, stripPath } = input;
  const base = input.servicePath ?? '/';
  const prefix = stripPath && matchedPath !== null ? matchedPath : null;
  const joined = prefix !== null
    ? base + sanitizeUriPostfix(requestPath.slice(prefix.length))
    : base + requestPath.slice(1);
  return { upstreamPath: joined.replace(/\/{2,}/g, '/'), strippedPrefix: prefix ?? '' };
}
