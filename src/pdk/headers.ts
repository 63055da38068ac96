// Response headers as plugins see them: case-insensitive names, the case of the first writer
// kept for the wire, repeated headers as arrays (Kong's ngx.header semantics).
import { memoizeNames } from './name-cache.ts';

/**
 * A response header's value or values.
 * @example
 * kong.response.set_header('Set-Cookie', ['a=1', 'b=2']);
 */
export type ResponseHeaderValue = string | string[];

/**
 * What `overlay` replaced, to recover the headers as they were: triples of the name written, the
 * lower-case name and the value that name had before (undefined when it had none).
 */
export type HeaderUndo = Array<string | ResponseHeaderValue | number | undefined>;

/** The headers as they were before `overlay` wrote `undo` over them (a new object). */
export function withoutOverlay(
  headers: Record<string, ResponseHeaderValue | number | undefined>,
  undo: HeaderUndo,
): Record<string, ResponseHeaderValue | number | undefined> {
  const out = { ...headers };
  for (let index = 0; index < undo.length; index += 3) delete out[undo[index] as string];
  for (let index = 0; index < undo.length; index += 3) {
    const previous = undo[index + 2];
    if (previous !== undefined) out[undo[index + 1] as string] = previous as ResponseHeaderValue | number;
  }
  return out;
}

const lowerName = memoizeNames((name) => name.toLowerCase());

/**
 * A case-insensitive header map for the response.
 * @example
 * const headers = new ResponseHeaders();
 * headers.set('X-Foo', 'a'); headers.add('x-foo', 'b');
 * headers.get('X-FOO'); // 'a'  (Kong returns the first value)
 */
export class ResponseHeaders {
  // Both maps are made on the first write: a request whose plugins set no response header (and
  // whose headers nobody reads) never allocates them.
  private values: Map<string, ResponseHeaderValue> | null = null;
  private names: Map<string, string> | null = null;
  /** Headers given to `defer`, loaded into the maps only if something reads or changes them. */
  private deferred: Record<string, ResponseHeaderValue | number | undefined> | null = null;

  get size(): number {
    if (this.deferred !== null) this.load();
    return this.values === null ? 0 : this.values.size;
  }

  /** First value, as kong.response.get_header. */
  get(name: string): string | undefined {
    const value = this.getAll(name);
    return Array.isArray(value) ? value[0] : value;
  }

  getAll(name: string): ResponseHeaderValue | undefined {
    if (this.deferred !== null) this.load();
    return this.values?.get(lowerName(name));
  }

  has(name: string): boolean {
    return this.getAll(name) !== undefined;
  }

  set(name: string, value: ResponseHeaderValue): void {
    if (this.deferred !== null) this.load();
    const key = lowerName(name);
    const names = (this.names ??= new Map());
    if (!names.has(key)) names.set(key, name);
    (this.values ??= new Map()).set(key, Array.isArray(value) ? [...value] : value);
  }

  add(name: string, value: string): void {
    const current = this.getAll(name);
    if (current === undefined) {
      this.set(name, value);
      return;
    }
    this.values!.set(lowerName(name), Array.isArray(current) ? [...current, value] : [current, value]);
  }

  delete(name: string): void {
    if (this.deferred !== null) this.load();
    if (this.values === null) return;
    const key = lowerName(name);
    this.values.delete(key);
    this.names!.delete(key);
  }

  /** Replace everything (the proxy loads the upstream's headers before header_filter). */
  replaceAll(headers: Record<string, ResponseHeaderValue | number | undefined>): void {
    this.deferred = null;
    this.values?.clear();
    this.names?.clear();
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.set(name, typeof value === 'number' ? String(value) : value);
    }
  }

  /**
   * As replaceAll, but the maps are filled only when the headers are next read or changed: the
   * proxy records what it wrote this way when no plugin filters the response, and most requests
   * never look again. The caller must not change `headers` afterwards.
   */
  defer(headers: Record<string, ResponseHeaderValue | number | undefined>): void {
    this.deferred = headers;
  }

  /**
   * Writes the headers set so far over `headers` (upstream names are lower-case; a plugin's
   * header replaces the upstream's of the same name and keeps the plugin's spelling).
   */
  overlay(headers: Record<string, ResponseHeaderValue | number | undefined>): HeaderUndo {
    if (this.deferred !== null) this.load();
    const undo: HeaderUndo = [];
    if (this.values === null) return undo;
    for (const [key, value] of this.values) {
      const name = this.names!.get(key) ?? key;
      undo.push(name, key, headers[key]);
      if (name !== key && headers[key] !== undefined) delete headers[key];
      headers[name] = value;
    }
    return undo;
  }

  private load(): void {
    const headers = this.deferred!;
    this.deferred = null;
    this.replaceAll(headers);
  }

  /** Lower-case names → values, as kong.response.get_headers. */
  toObject(): Record<string, ResponseHeaderValue> {
    if (this.deferred !== null) this.load();
    const out: Record<string, ResponseHeaderValue> = {};
    if (this.values !== null) for (const [key, value] of this.values) out[key] = value;
    return out;
  }

  /** Wire names → values, for writeHead. */
  toWire(): Record<string, ResponseHeaderValue> {
    if (this.deferred !== null) this.load();
    const out: Record<string, ResponseHeaderValue> = {};
    if (this.values !== null) for (const [key, value] of this.values) out[this.names!.get(key) ?? key] = value;
    return out;
  }
}
