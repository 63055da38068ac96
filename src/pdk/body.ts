// Request body decoding for kong.request.get_body: JSON, urlencoded forms and multipart forms,
// chosen by Content-Type as kong/pdk/request.lua does. Repeated form keys become arrays.

/**
 * A form field: one value, or all values of a repeated key.
 * @example
 * const tags: FormValue = ['a', 'b'];
 */
export type FormValue = string | string[];
/**
 * What a decoded body can be (JSON value or form fields).
 * @example
 * const body: ParsedBody | null = await kong.request.get_body();
 */
export type ParsedBody = Record<string, unknown> | unknown[] | string | number | boolean | null;

/**
 * Kong's `body, err, mimetype` of get_body as one object.
 * @example
 * const { body, err } = decodeBody(raw, 'application/json');
 */
export interface BodyResult {
  body: ParsedBody | null;
  /** Kong's error string when the body cannot be decoded, else null. */
  err: string | null;
  mimetype: string | null;
}

function addValue(target: Record<string, FormValue>, key: string, value: string): void {
  const current = target[key];
  if (current === undefined) target[key] = value;
  else target[key] = Array.isArray(current) ? [...current, value] : [current, value];
}

/**
 * Decodes `a=1&b=2&a=3` into `{ a: ['1', '3'], b: '2' }`.
 * @example
 * parseForm('x=1&y=%20'); // { x: '1', y: ' ' }
 */
export function parseForm(text: string, maxArgs = 100): Record<string, FormValue> {
  const out: Record<string, FormValue> = Object.create(null) as Record<string, FormValue>;
  if (text === '') return out;
  let count = 0;
  for (const pair of new URLSearchParams(text)) {
    if (count++ >= maxArgs) break;
    addValue(out, pair[0], pair[1]);
  }
  return out;
}

function boundaryOf(contentType: string): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match === null ? null : (match[1] ?? match[2] ?? null);
}

/** Multipart form fields by name (file parts keep their content as a string). */
function parseMultipart(body: Buffer, contentType: string): Record<string, FormValue> | null {
  const boundary = boundaryOf(contentType);
  if (boundary === null) return null;
  const out: Record<string, FormValue> = Object.create(null) as Record<string, FormValue>;
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) continue;
    const name = /name="([^"]*)"/i.exec(part.slice(0, headerEnd))?.[1];
    if (name === undefined) continue;
    const raw = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    addValue(out, name, Buffer.from(raw, 'latin1').toString('utf8'));
  }
  return out;
}

/**
 * Decodes a body the way kong.request.get_body does.
 * @example
 * decodeBody(Buffer.from('{"a":1}'), 'application/json').body; // { a: 1 }
 */
export function decodeBody(raw: Buffer, contentType: string | undefined, forcedMime?: string, maxArgs = 100): BodyResult {
  const mime = (forcedMime ?? contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === '') return { body: null, err: 'missing content type', mimetype: null };
  if (mime === 'application/json' || mime.endsWith('+json')) {
    try {
      return { body: JSON.parse(raw.toString('utf8')) as ParsedBody, err: null, mimetype: mime };
    } catch {
      return { body: null, err: 'invalid json body', mimetype: mime };
    }
  }
  if (mime === 'application/x-www-form-urlencoded') {
    return { body: parseForm(raw.toString('utf8'), maxArgs), err: null, mimetype: mime };
  }
  if (mime === 'multipart/form-data') {
    const fields = parseMultipart(raw, forcedMime === undefined ? contentType ?? '' : contentType ?? forcedMime);
    if (fields === null) return { body: null, err: 'unable to parse multipart body', mimetype: mime };
    return { body: fields, err: null, mimetype: mime };
  }
  return { body: null, err: `unsupported content type '${mime}'`, mimetype: mime };
}
