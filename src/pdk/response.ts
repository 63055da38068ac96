// kong.response (kong/pdk/response.lua): the response to the client — headers and status in
// any phase before the body, the body in response/body_filter, and the two short circuits:
// exit (plain body, JSON for objects, no request_id) and error (Kong's templates, request_id).
import type { PhaseName, PluginRequestContext } from './context.ts';
import { defaultErrorMessage, ERROR_CONTENT_TYPES, errorFormatFor, grpcStatusFor, renderError } from './error-body.ts';
import type { ResponseHeaderValue } from './headers.ts';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const EXIT_PHASES: ReadonlySet<PhaseName> = new Set(['rewrite', 'access', 'response', 'header_filter']);

function checkExitPhase(ctx: PluginRequestContext, name: string): void {
  if (!EXIT_PHASES.has(ctx.phase)) throw new Error(`${name} cannot be called in the ${ctx.phase} phase`);
}

/**
 * kong.response.
 * @example
 * header_filter(kong) { kong.response.set_header('X-Served-By', 'portico'); }
 */
export class ResponseApi {
  private readonly ctx: PluginRequestContext;

  constructor(ctx: PluginRequestContext) {
    this.ctx = ctx;
  }

  get_status(): number { return this.ctx.status; }
  /** `service`, `exit` or `error` (Kong's get_source). */
  get_source(): string { return this.ctx.source; }
  get_header(name: string): string | undefined { return this.ctx.responseHeaders.get(name); }
  get_headers(): Record<string, ResponseHeaderValue> { return this.ctx.responseHeaders.toObject(); }

  set_status(status: number): void {
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new Error('code must be a number between 100 and 999');
    this.ctx.status = status;
  }

  set_header(name: string, value: string | number | boolean | string[]): void {
    this.ctx.responseHeaders.set(name, Array.isArray(value) ? value : String(value));
  }

  add_header(name: string, value: string | number | boolean): void {
    this.ctx.responseHeaders.add(name, String(value));
  }

  clear_header(name: string): void {
    this.ctx.responseHeaders.delete(name);
  }

  set_headers(headers: Record<string, string | number | boolean | string[]>): void {
    for (const [name, value] of Object.entries(headers)) this.set_header(name, value);
  }

  /**
   * In body_filter: null until the last chunk, then the whole body (chunks are held back, as
   * Kong buffers them). In the response phase: the buffered upstream body.
   */
  get_raw_body(): Buffer | null {
    const ctx = this.ctx;
    if (ctx.phase === 'response') return ctx.responseBody ?? ctx.serviceResponse?.body ?? null;
    if (ctx.phase !== 'body_filter') throw new Error(`get_raw_body cannot be called in the ${ctx.phase} phase`);
    if (ctx.rawBody !== null) return ctx.rawBody;
    ctx.bufferedBody ??= [];
    if (ctx.chunk !== null && ctx.chunk.length > 0) ctx.bufferedBody.push(ctx.chunk);
    ctx.chunk = null;
    if (!ctx.eof) return null;
    ctx.rawBody = Buffer.concat(ctx.bufferedBody);
    ctx.chunk = ctx.rawBody;
    return ctx.rawBody;
  }

  /**
   * body_filter only: the chunk about to be sent (Kong's `ngx.arg[1]`) and whether it is the
   * last one (`ngx.arg[2]`). Streaming plugins rewrite chunks one by one with set_chunk.
   */
  get_chunk(): { chunk: Buffer; eof: boolean } {
    const ctx = this.ctx;
    if (ctx.phase !== 'body_filter') throw new Error(`get_chunk cannot be called in the ${ctx.phase} phase`);
    return { chunk: ctx.chunk ?? Buffer.alloc(0), eof: ctx.eof };
  }

  /** body_filter only: replaces the current chunk without ending the body (unlike set_raw_body). */
  set_chunk(chunk: string | Buffer): void {
    const ctx = this.ctx;
    if (ctx.phase !== 'body_filter') throw new Error(`set_chunk cannot be called in the ${ctx.phase} phase`);
    ctx.chunk = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }

  /** Replaces the body (response and body_filter phases). */
  set_raw_body(body: string | Buffer): void {
    const ctx = this.ctx;
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    if (ctx.phase === 'response') {
      ctx.responseBody = buffer;
      return;
    }
    if (ctx.phase !== 'body_filter') throw new Error(`set_raw_body cannot be called in the ${ctx.phase} phase`);
    ctx.rawBody = buffer;
    ctx.chunk = buffer;
    ctx.eof = true;
  }

  /**
   * Short-circuits with a response: objects become JSON, strings/Buffers are sent as is.
   * In access the remaining access handlers are skipped; header_filter/body_filter/log still run.
   * @example
   * return kong.response.exit(403, { message: 'go away' }, { 'X-Reason': 'policy' });
   */
  exit(status: number, body?: unknown, headers?: Record<string, string | number | string[]>): void {
    checkExitPhase(this.ctx, 'exit');
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error('code must be a number between 100 and 599');
    let rendered: string | Buffer = '';
    let contentType: string | null = null;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      rendered = body;
    } else if (body !== undefined && body !== null) {
      rendered = JSON.stringify(body);
      contentType = JSON_CONTENT_TYPE;
    }
    this.finish(status, rendered, contentType, 'exit', headers);
  }

  /**
   * Short-circuits with Kong's error template (JSON/HTML/XML/plain by Accept, or by a
   * Content-Type given in `headers`), carrying request_id.
   * @example
   * return kong.response.error(401, 'No API key found in request');
   */
  error(status: number, message?: string, headers?: Record<string, string | number | string[]>): void {
    checkExitPhase(this.ctx, 'error');
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('code must be a number between 400 and 599');
    const text = message ?? defaultErrorMessage(status);
    const requestType = this.ctx.request.headers['content-type'];
    if (typeof requestType === 'string' && requestType.startsWith('application/grpc')) {
      // gRPC clients get no body: the error travels in grpc-status / grpc-message.
      this.finish(status, '', null, 'error', { ...headers, 'grpc-status': String(grpcStatusFor(status)), 'grpc-message': text });
      return;
    }
    const given = headers === undefined ? undefined : findHeader(headers, 'content-type');
    const accept = this.ctx.request.headers.accept;
    const format = errorFormatFor(given ?? (Array.isArray(accept) ? accept.join(',') : accept));
    const body = renderError(format, text, this.ctx.requestId);
    this.finish(status, body, given ?? ERROR_CONTENT_TYPES[format], 'error', headers);
  }

  private finish(
    status: number, body: string | Buffer, contentType: string | null, kind: 'exit' | 'error',
    headers: Record<string, string | number | string[]> | undefined,
  ): void {
    const ctx = this.ctx;
    if (headers !== undefined) {
      for (const [name, value] of Object.entries(headers)) ctx.responseHeaders.set(name, typeof value === 'number' ? String(value) : value);
    }
    if (contentType !== null && !ctx.responseHeaders.has('content-type')) ctx.responseHeaders.set('Content-Type', contentType);
    ctx.status = status;
    ctx.source = kind;
    ctx.exit = { status, body, contentType: ctx.responseHeaders.get('content-type') ?? null, kind };
  }
}

function findHeader(headers: Record<string, string | number | string[]>, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === lowerName) return Array.isArray(value) ? value[0] : String(value);
  }
  return undefined;
}
