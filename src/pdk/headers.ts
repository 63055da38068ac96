// Response headers as plugins see them: case-insensitive names, the case of the first writer
// kept for the wire, repeated headers as arrays (Kong's ngx.header semantics).

/**
 * A response header's value or values.
 * @example
 * kong.response.set_header('Set-Cookie', ['a=1', 'b=2']);
 */
export type ResponseHeaderValue = string | string[];

/**
 * A case-insensitive header map for the response.
 * @example
 * const headers = new ResponseHeaders();
 * headers.set('X-Foo', 'a'); headers.add('x-foo', 'b');
 * headers.get('X-FOO'); // 'a'  (Kong returns the first value)
 */
export class ResponseHeaders {
  private readonly values = new Map<string, ResponseHeaderValue>();
  private readonly names = new Map<string, string>();

  get size(): number {
    return this.values.size;
  }

  /** First value, as kong.response.get_header. */
  get(name: string): string | undefined {
    const value = this.values.get(name.toLowerCase());
    return Array.isArray(value) ? value[0] : value;
  }

  getAll(name: string): ResponseHeaderValue | undefined {
    return this.values.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  set(name: string, value: ResponseHeaderValue): void {
    const key = name.toLowerCase();
    if (!this.names.has(key)) this.names.set(key, name);
    this.values.set(key, Array.isArray(value) ? [...value] : value);
  }

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.values.get(key);
    if (current === undefined) {
      this.set(name, value);
      return;
    }
    this.values.set(key, Array.isArray(current) ? [...current, value] : [current, value]);
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    this.values.delete(key);
    this.names.delete(key);
  }

  /** Replace everything (the proxy loads the upstream's headers before header_filter). */
  replaceAll(headers: Record<string, ResponseHeaderValue | number | undefined>): void {
    this.values.clear();
    this.names.clear();
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.set(name, typeof value === 'number' ? String(value) : value);
    }
  }

  /** Lower-case names → values, as kong.response.get_headers. */
  toObject(): Record<string, ResponseHeaderValue> {
    const out: Record<string, ResponseHeaderValue> = {};
    for (const [key, value] of this.values) out[key] = value;
    return out;
  }

  /** Wire names → values, for writeHead. */
  toWire(): Record<string, ResponseHeaderValue> {
    const out: Record<string, ResponseHeaderValue> = {};
    for (const [key, value] of this.values) out[this.names.get(key) ?? key] = value;
    return out;
  }
}
