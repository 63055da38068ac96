// kong.service, kong.service.request and kong.service.response (kong/pdk/service*.lua): where
// the request goes and what is sent there; what the upstream answered. Changes are recorded on
// the context and applied by the proxy when it builds the upstream request.
import { decodeBody, type ParsedBody } from './body.ts';
import type { HeaderValue, PluginRequestContext } from './context.ts';
import { headerKey } from './request.ts';

/**
 * kong.service.request.
 * @example
 * access(kong, conf) { kong.service.request.set_header('X-Tenant', conf.tenant); }
 */
export class ServiceRequestApi {
  private readonly ctx: PluginRequestContext;

  constructor(ctx: PluginRequestContext) {
    this.ctx = ctx;
  }

  set_scheme(scheme: string): void {
    if (scheme !== 'http' && scheme !== 'https') throw new Error(`invalid scheme: ${scheme}`);
    this.ctx.upstream.scheme = scheme;
  }

  /** Upstream path; must start with `/` (Kong: "path must start with /"). */
  set_path(path: string): void {
    if (!path.startsWith('/')) throw new Error('path must start with /');
    this.ctx.upstream.path = path;
  }

  set_raw_query(query: string): void {
    this.ctx.upstream.rawQuery = query;
  }

  /** Encodes `args` as the query (keys sorted, as Kong's encode_args; `true` = bare key). */
  set_query(args: Record<string, string | number | boolean | Array<string | number | boolean>>): void {
    const parts: string[] = [];
    for (const key of Object.keys(args).sort()) {
      const value = args[key]!;
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === false) continue;
        parts.push(item === true ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
      }
    }
    this.ctx.upstream.rawQuery = parts.join('&');
  }

  set_method(method: string): void {
    this.ctx.upstream.method = method.toUpperCase();
  }

  set_header(name: string, value: string | number | boolean | string[]): void {
    const key = headerKey(name);
    this.ctx.upstream.names.set(key, name);
    this.ctx.upstream.headers.set(key, Array.isArray(value) ? value : String(value));
  }

  add_header(name: string, value: string | number | boolean): void {
    const key = headerKey(name);
    const current = this.ctx.upstream.headers.get(key) ?? this.ctx.request.headers[key];
    const next: HeaderValue = current === undefined || current === null ? String(value)
      : [...(Array.isArray(current) ? current : [current]), String(value)];
    this.ctx.upstream.names.set(key, name);
    this.ctx.upstream.headers.set(key, next);
  }

  clear_header(name: string): void {
    const key = headerKey(name);
    this.ctx.upstream.names.set(key, name);
    this.ctx.upstream.headers.set(key, null);
  }

  set_headers(headers: Record<string, string | number | boolean | string[]>): void {
    for (const [name, value] of Object.entries(headers)) this.set_header(name, value);
  }

  /** Kong's enable_buffering: the upstream response is read whole before header_filter (AI plugins translate it there). */
  enable_buffering(): void {
    this.ctx.upstream.bufferResponse = true;
  }

  set_raw_body(body: string | Buffer): void {
    this.ctx.upstream.body = typeof body === 'string' ? Buffer.from(body) : body;
  }

  /** Encodes `args` as JSON or a urlencoded form, per `mimetype` or the request Content-Type. */
  set_body(args: Record<string, unknown>, mimetype?: string): void {
    const type = (mimetype ?? String(this.ctx.request.headers['content-type'] ?? 'application/json')).split(';')[0]!.trim();
    if (type === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams();
      for (const key of Object.keys(args).sort()) {
        const value = args[key];
        for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
      }
      this.set_raw_body(form.toString());
    } else if (type === 'application/json') {
      this.set_raw_body(JSON.stringify(args));
    } else {
      throw new Error(`unsupported content type '${type}'`);
    }
    this.set_header('Content-Type', type);
  }
}

/**
 * kong.service.response (after the upstream answered).
 * @example
 * header_filter(kong) { if (kong.service.response.get_status() >= 500) kong.response.set_header('Retry-After', '5'); }
 */
export class ServiceResponseApi {
  private readonly ctx: PluginRequestContext;

  constructor(ctx: PluginRequestContext) {
    this.ctx = ctx;
  }

  get_status(): number | null { return this.ctx.serviceResponse?.status ?? null; }

  get_headers(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(this.ctx.serviceResponse?.headers ?? {})) if (value !== undefined) out[name] = value;
    return out;
  }

  get_header(name: string): string | undefined {
    const value = this.ctx.serviceResponse?.headers[headerKey(name)];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The upstream body; only available when buffered (some plugin implements `response`). */
  get_raw_body(): Buffer | null { return this.ctx.serviceResponse?.body ?? null; }

  get_body(): ParsedBody | null {
    const body = this.get_raw_body();
    if (body === null) return null;
    const result = decodeBody(body, this.get_header('content-type'));
    return result.err === null ? result.body : null;
  }
}

/**
 * kong.service.
 * @example
 * access(kong) { kong.service.set_target('10.0.0.7', 8080); }
 */
export class ServiceApi {
  readonly request: ServiceRequestApi;
  readonly response: ServiceResponseApi;
  private readonly ctx: PluginRequestContext;
  private readonly upstreamExists: (name: string) => boolean;

  constructor(ctx: PluginRequestContext, upstreamExists: (name: string) => boolean) {
    this.ctx = ctx;
    this.upstreamExists = upstreamExists;
    this.request = new ServiceRequestApi(ctx);
    this.response = new ServiceResponseApi(ctx);
  }

  /** Balances over the named Upstream; false (with Kong's message logged by the caller) when unknown. */
  set_upstream(host: string): true | [null, string] {
    if (!this.upstreamExists(host)) return [null, `could not find an Upstream named '${host}'`];
    this.ctx.upstream.upstreamName = host;
    return true;
  }

  set_target(host: string, port: number): void {
    if (typeof host !== 'string' || host === '') throw new Error('host must be a string');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('port must be an integer between 0 and 65535');
    this.ctx.upstream.targetHost = host;
    this.ctx.upstream.targetPort = port;
  }
}
