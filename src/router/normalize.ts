// Request-target handling before routing (spec kong-core §3.1, security-and-reliability §2.6).
// Kong cuts `$request_uri` at the first `?`, then runs `kong.tools.uri.normalize(uri, true)`:
// percent-decode everything except reserved characters (which stay encoded, hex upper-cased),
// merge `//` runs, remove dot segments. Routing and the upstream path both use that result.

export interface RequestTarget {
  /** Raw path, everything before the first `?`. */
  path: string;
  /** Raw query after the first `?` (verbatim); '' for a bare trailing `?`; null without `?`. */
  query: string | null;
}

/** Split a request target at the first `?`, keeping the query verbatim (Kong appends it as is). */
export function splitRequestTarget(url: string): RequestTarget {
  const index = url.indexOf('?');
  if (index === -1) return { path: url, query: null };
  return { path: url.slice(0, index), query: url.slice(index + 1) };
}

// RFC 3986 reserved set as Kong's normalizer keeps it encoded (plus `%` itself).
const KEEP_ENCODED = new Set('!*\'();:@&=+$,/?%#[]'.split('').map((ch) => ch.charCodeAt(0)));

// Bytes `kong.tools.uri.escape` leaves alone when re-escaping the upstream path.
const UPSTREAM_SAFE = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!#$&\'()*+,/:;=?@[]%') {
  UPSTREAM_SAFE[ch.charCodeAt(0)] = 1;
}

const HEX = '0123456789ABCDEF';
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function encodeByte(byte: number): string {
  return '%' + HEX[byte >> 4] + HEX[byte & 15];
}

/**
 * Normalise a raw path (no query) as received: Node's latin1 view of the request-target bytes. Returns null for input the proxy must answer with 400:
 * not starting with `/`, an invalid `%` escape, NUL (`%00`), raw control bytes, `#`, a
 * backslash (raw or decoded), or a `.;` / `..;` segment (Java path parameters that servlet
 * upstreams resolve as dot segments — the security bar of §2.6).
 */
export function normalizePath(rawPathWithoutQuery: string): string | null {
  const raw = rawPathWithoutQuery;
  if (raw.length === 0 || raw.charCodeAt(0) !== 47) return null;
  const decoded = percentDecode(raw);
  if (decoded === null) return null;
  return removeDotSegments(decoded);
}

/**
 * Decode `%XX` except reserved characters. Bytes >= 0x80 (escaped, or raw: Node hands the
 * request target over as latin1, one char per byte) are gathered into runs and decoded as
 * UTF-8; invalid runs stay percent-encoded.
 */
function percentDecode(raw: string): string | null {
  let out = '';
  let bytes: number[] | null = null;
  let copiedUpTo = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    let byte: number;
    let width = 1;
    if (code === 37) {
      const high = hexValue(raw.charCodeAt(i + 1));
      const low = hexValue(raw.charCodeAt(i + 2));
      if (high < 0 || low < 0) return null;
      byte = (high << 4) | low;
      width = 3;
      if (byte === 0 || byte === 92) return null;
    } else if (code >= 0x80 && code <= 0xff) {
      byte = code;
    } else {
      if (code < 0x20 || code === 0x7f || code === 35 || code === 92) return null;
      continue;
    }
    out += raw.slice(copiedUpTo, i);
    copiedUpTo = i + width;
    if (byte >= 0x80) {
      (bytes ??= []).push(byte);
      if (!nextIsHighByte(raw, copiedUpTo)) { out += decodeUtf8Run(bytes); bytes = null; }
    } else if (KEEP_ENCODED.has(byte)) {
      out += encodeByte(byte);
    } else {
      out += String.fromCharCode(byte);
    }
    i += width - 1;
  }
  if (copiedUpTo === 0) return raw;
  return out + raw.slice(copiedUpTo);
}

function nextIsHighByte(raw: string, index: number): boolean {
  const code = raw.charCodeAt(index);
  if (code >= 0x80 && code <= 0xff) return true;
  if (code !== 37) return false;
  return hexValue(raw.charCodeAt(index + 1)) >= 8 && hexValue(raw.charCodeAt(index + 2)) >= 0;
}

// Kong keeps decoded bytes as raw bytes (`/endel%C3%B8st` routes as UTF-8 text, issue #2366).
// JS strings cannot hold invalid UTF-8, so such runs stay percent-encoded; the upstream
// receives the same bytes either way because `%` survives re-escaping.
function decodeUtf8Run(bytes: number[]): string {
  try {
    return utf8Decoder.decode(new Uint8Array(bytes));
  } catch {
    let encoded = '';
    for (const byte of bytes) encoded += encodeByte(byte);
    return encoded;
  }
}

/** RFC 3986 §5.2.4 dot-segment removal with `//` runs merged first (merge_slashes = true). */
function removeDotSegments(path: string): string | null {
  if (path.indexOf('//') === -1 && path.indexOf('/.') === -1) return path;
  const segments = path.split('/');
  const output: string[] = [];
  const last = segments.length - 1;
  let trailingSlash = false;
  for (let i = 1; i <= last; i++) {
    const segment = segments[i];
    trailingSlash = false;
    if (segment === '') {
      // Empty segments come from `//` runs (merged away) or a trailing `/` (kept).
      if (i === last) trailingSlash = true;
      continue;
    }
    if (segment === '.') { trailingSlash = true; continue; }
    if (segment === '..') { output.pop(); trailingSlash = true; continue; }
    if (isServletDotSegment(segment)) return null;
    output.push(segment);
  }
  const joined = '/' + output.join('/');
  return trailingSlash && output.length > 0 ? joined + '/' : joined;
}

function isServletDotSegment(segment: string): boolean {
  if (segment.charCodeAt(0) !== 46) return false;
  const rest = segment.charCodeAt(1) === 46 ? segment.slice(2) : segment.slice(1);
  return rest.startsWith(';') || rest.startsWith('%3B');
}

/**
 * Re-escape a normalised path for the upstream request line (`kong.tools.uri.escape`): every
 * byte outside the unreserved/reserved set becomes `%XX` of its UTF-8 encoding.
 */
export function escapeUpstreamPath(path: string): string {
  let needs = false;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code >= 128 || UPSTREAM_SAFE[code] === 0) { needs = true; break; }
  }
  if (!needs) return path;
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    out += byte < 128 && UPSTREAM_SAFE[byte] === 1 ? String.fromCharCode(byte) : encodeByte(byte);
  }
  return out;
}
