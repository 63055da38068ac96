// Cache-Control handling of proxy-cache (kong/plugins/proxy-cache/handler.lua): directive
// parsing, the response's lifetime, and which request/response content types are cacheable.

/**
 * Directives by lower-cased name; `true` for flags, numbers for numeric values.
 * @example
 * parseCacheControl('max-age=60, no-store'); // { 'max-age': 60, 'no-store': true }
 */
export function parseCacheControl(header: string | string[] | undefined): Record<string, number | string | true> {
  const out: Record<string, number | string | true> = {};
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  for (const part of text.split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName!.trim().toLowerCase();
    if (name === '') continue;
    if (rest.length === 0) { out[name] = true; continue; }
    const value = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    const number = Number(value);
    out[name] = value !== '' && Number.isFinite(number) ? number : value;
  }
  return out;
}

const numeric = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * Kong's resource_ttl: s-maxage, else max-age, else Expires minus now; never below 0.
 * @example
 * resourceTtl({ 'max-age': 30 }, undefined, Date.now()); // 30
 */
export function resourceTtl(directives: Record<string, unknown>, expires: string | undefined, now: number): number {
  let maxAge = numeric(directives['s-maxage']) ?? numeric(directives['max-age']);
  if (maxAge === undefined && expires !== undefined) {
    const time = Date.parse(expires);
    if (!Number.isNaN(time)) maxAge = Math.floor((time - now) / 1000);
  }
  return Math.max(maxAge ?? 0, 0);
}

interface MediaType { type: string; subtype: string; params: Map<string, string> }

function parseMediaType(text: string): MediaType | null {
  const [essence, ...params] = text.split(';');
  const [type, subtype] = essence!.trim().toLowerCase().split('/');
  if (!type || !subtype) return null;
  const map = new Map<string, string>();
  for (const param of params) {
    const [name, value] = param.split('=');
    if (name && value) map.set(name.trim().toLowerCase(), value.trim().replace(/^"(.*)"$/, '$1').toLowerCase());
  }
  return { type, subtype, params: map };
}

/**
 * Kong's content_type_allowed: type/subtype match (with `*` wildcards), and every parameter the
 * configured type names must be present with the same value.
 * @example
 * contentTypeAllowed(['application/json'], 'application/json; charset=utf-8'); // true
 */
export function contentTypeAllowed(allowed: readonly string[], contentType: string): boolean {
  const actual = parseMediaType(contentType);
  if (actual === null) return false;
  return allowed.some((entry) => {
    const wanted = parseMediaType(entry);
    if (wanted === null) return false;
    if (wanted.type !== '*' && wanted.type !== actual.type) return false;
    if (wanted.subtype !== '*' && wanted.subtype !== actual.subtype) return false;
    for (const [name, value] of wanted.params) if (actual.params.get(name) !== value) return false;
    return true;
  });
}
