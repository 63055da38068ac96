// The client response of a request with plugins: Kong's header_filter (with the gateway's own
// headers already in place, as header_filter.before adds them), body_filter per chunk (streaming;
// a slow async handler pauses the upstream instead of buffering), the `response` phase over a
// buffered upstream body, short circuits from any phase, and log once the client has it all.
import type { Dispatcher } from 'undici';
import { SERVER_TOKEN } from '../core/version.ts';
import { serializeRequest, type PluginRun } from '../pipeline/index.ts';
import type { ProxyContext } from './context.ts';
import { errorContentType, negotiateErrorMime, nginxErrorMessage, renderErrorBody } from './error-response.ts';
import type { ResponseSink, UpstreamExchange } from './forward.ts';
import { requestSizeOf, serializedTries, upstreamStatusOf } from './log-facts.ts';
import { convertExitToGrpc, isGrpcRequest } from './grpc/index.ts';
import { failProxyRequest } from './request-failure.ts';
import { HeldWrites, type WriteSource } from './write-batch.ts';

type DispatchController = Dispatcher.DispatchController;
type HeaderObject = Record<string, string | string[] | number | undefined>;

const EMPTY = Buffer.alloc(0);

export class PluginResponse implements ResponseSink, WriteSource {
  /** The upstream exchange, once the request was sent upstream. */
  exchange: Pick<UpstreamExchange, 'abandon'> | null = null;
  private readonly ctx: ProxyContext;
  private controller: DispatchController | null = null;
  /** Upstream head and body chunks while the `response` phase needs the whole body. */
  private buffered: Buffer[] | null = null;
  private upstreamStatus = 0;
  private upstreamHeaders: HeaderObject | null = null;
  /** Chunks (null = the end) that arrived while an async handler was running. */
  private readonly waiting: Array<Buffer | null> = [];
  private busy = false;
  private filtering = false;
  /** The upstream's response was replaced (plugin exit) or the request failed. */
  private stopped = false;
  private bodyBytes = 0;
  private upstreamEndedAt = 0;
  private logged = false;
  /** The client writes of the body, batched per loop turn, and their backpressure (write-batch.ts). */
  private held: HeldWrites | null = null;

  constructor(ctx: ProxyContext) {
    this.ctx = ctx;
  }

  private get run(): PluginRun {
    return this.ctx.plugins!;
  }

  head(statusCode: number, headers: HeaderObject, controller: DispatchController): void {
    this.controller = controller;
    const run = this.run;
    if (run.needsResponseBuffering) {
      this.buffered = [];
      this.upstreamStatus = statusCode;
      this.upstreamHeaders = headers;
      return;
    }
    if (!run.filtersResponse) {
      // No plugin sees the response go out (auth, rate limiting, loggers): the upstream's head
      // and body go straight to the client as on the passthrough path.
      run.beginDirectResponse(statusCode, headers);
      this.writeHead(statusCode, null, headers);
      return;
    }
    run.beginServiceResponse(statusCode, headers, null);
    const pending = run.headerFilter();
    if (pending === undefined) {
      this.afterHeaderFilter();
      return;
    }
    this.busy = true;
    controller.pause();
    pending.then(() => {
      this.busy = false;
      if (!this.afterHeaderFilter()) return;
      this.resume();
      this.drainWaiting();
    }, (error: unknown) => this.fail(error));
  }

  data(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.buffered !== null) this.buffered.push(chunk);
    else if (this.busy) this.waiting.push(chunk);
    else this.forward(chunk, false);
  }

  /**
   * Kong's streaming contract for event streams: when the upstream goes away mid-stream, the body
   * filters still see the end (ai-proxy then closes its SSE stream with `[DONE]` and logs the
   * interruption) instead of the client seeing a reset. Other bodies are aborted as usual.
   */
  upstreamFailedMidBody(_error: Error): boolean {
    if (this.stopped || this.buffered !== null || !this.run.hasBodyFilter) return false;
    const type = this.run.ctx.responseHeaders.get('content-type');
    if (typeof type !== 'string' || !type.toLowerCase().startsWith('text/event-stream')) return false;
    this.end();
    return true;
  }

  end(): void {
    this.upstreamEndedAt = Date.now();
    if (this.stopped) return;
    if (this.buffered !== null) this.finishBuffered().catch((error: unknown) => this.fail(error));
    else if (this.busy) this.waiting.push(null);
    else this.forward(EMPTY, true);
  }

  /**
   * Answers with the short circuit in `ctx.exit` (plugin exit/error, or the gateway's own
   * 404/426/415/503 recorded through the run): Kong's headers, header_filter, body_filter.
   */
  async sendExit(runHeaderFilter: boolean): Promise<void> {
    const run = this.run;
    if (isGrpcRequest(this.ctx.req)) convertExitToGrpc(run.ctx, this.ctx.res);
    if (runHeaderFilter) {
      this.addGatewayHeaders();
      const pending = run.headerFilter();
      if (pending !== undefined) await pending;
    }
    this.writeExit();
  }

  gatewayError(status: number, message: string | undefined, nginxPage: boolean, close: boolean): void {
    const ctx = this.ctx;
    const run = this.run;
    const req = ctx.req;
    if (close) run.ctx.responseHeaders.set('Connection', 'close');
    if (nginxPage) {
      // nginx's error_page through Kong's error handler: Accept, else Content-Type, else the default type.
      const mime = negotiateErrorMime(req.headers.accept ?? req.headers['content-type'] ?? ctx.snapshot.settings.error_default_type);
      run.exit(status, renderErrorBody(mime, nginxErrorMessage(status), ctx.requestId), { 'Content-Type': errorContentType(mime) });
      run.ctx.source = 'error';
    } else {
      run.error(status, message);
    }
    this.sendExit(true).catch((error: unknown) => this.fail(error));
  }

  /** A bug on the plugin path costs this request a 500, never the worker. */
  fail(error: unknown): void {
    if (this.stopped && this.ctx.res.writableEnded) return;
    this.stopped = true;
    this.exchange?.abandon();
    failProxyRequest(this.ctx, error);
  }

  /** Kong's log phase: once per request, after the response went out; never throws. */
  log(): void {
    if (this.logged) return;
    this.logged = true;
    try {
      this.run.log()?.catch(() => undefined);
    } catch {
      // The runner logs handler failures itself; nothing may escape into the server.
    }
  }

  /** kong.log.serialize() for this request. */
  serialize(): Record<string, unknown> {
    const ctx = this.ctx;
    const req = ctx.req;
    const res = ctx.res;
    const plugin = this.run.ctx;
    const now = Date.now();
    const headerBytes = (res as unknown as { _header?: string | null })._header?.length ?? 0;
    return serializeRequest({
      requestId: ctx.requestId,
      requestUri: req.url ?? '',
      scheme: ctx.scheme,
      host: ctx.host,
      serverPort: req.socket.localPort ?? 0,
      method: req.method ?? 'GET',
      requestHeaders: req.headers,
      requestSize: requestSizeOf(req),
      upstreamUri: ctx.upstreamUri,
      upstreamStatus: upstreamStatusOf(ctx.tries),
      status: res.headersSent ? res.statusCode : plugin.status,
      // What writeHead sent: node:http keeps no copy of headers given to writeHead directly.
      responseHeaders: plugin.responseHeaders.toObject(),
      responseSize: headerBytes + this.bodyBytes,
      tries: serializedTries(ctx.tries),
      latencies: {
        kong: (ctx.upstreamSentAt === 0 ? now : ctx.upstreamSentAt) - ctx.startedAt,
        proxy: ctx.upstreamHeadersAt === 0 ? -1 : ctx.upstreamHeadersAt - ctx.upstreamSentAt,
        request: now - ctx.startedAt,
        receive: this.upstreamEndedAt === 0 || ctx.upstreamHeadersAt === 0 ? 0 : this.upstreamEndedAt - ctx.upstreamHeadersAt,
      },
      route: plugin.route,
      service: plugin.service,
      consumer: plugin.consumer,
      credential: plugin.credential,
      clientIp: ctx.clientAddress ?? '',
      startedAt: ctx.startedAt,
      source: plugin.source,
    });
  }

  /** After header_filter on a streamed response: the exit a plugin chose, or the head. */
  private afterHeaderFilter(): boolean {
    const plugin = this.run.ctx;
    if (plugin.exit !== null) {
      this.stopped = true;
      this.exchange?.abandon();
      this.writeExit();
      return false;
    }
    this.filtering = this.run.hasBodyFilter;
    return this.writeHead(plugin.status, null);
  }

  private async finishBuffered(): Promise<void> {
    const run = this.run;
    const plugin = run.ctx;
    const chunks = this.buffered!;
    // A small answer arrives in one chunk: no copy.
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.buffered = null;
    run.beginServiceResponse(this.upstreamStatus, this.upstreamHeaders!, body);
    const response = run.response();
    if (response !== undefined) await response;
    // An exit in the response phase still gets header_filter (Kong's response phase runs before it).
    if (plugin.exit !== null) { await this.sendExit(true); return; }
    const headerFilter = run.headerFilter();
    if (headerFilter !== undefined) await headerFilter;
    if (plugin.exit !== null) { this.writeExit(); return; }
    const out = plugin.responseBody ?? body;
    if (!run.hasBodyFilter) {
      if (this.writeHead(plugin.status, out.length)) this.emit(out, true);
      return;
    }
    // The whole body is known, so body_filter sees it in one call before the head goes out and
    // the answer carries its real Content-Length instead of chunked framing. The head is taken
    // first: as in Kong, headers set during body_filter do not reach the client.
    const headers = plugin.responseHeaders;
    headers.delete('content-length');
    const wire = this.wireHeaders(null);
    const status = plugin.status;
    let filtered = run.bodyFilter(out, true);
    if (filtered instanceof Promise) filtered = await filtered;
    const length = String(filtered.length);
    wire['Content-Length'] = length;
    // The log phase's kong.response.get_headers() sees what the client got.
    headers.set('Content-Length', length);
    if (this.sendHead(status, wire)) this.emit(filtered, true);
  }

  /** Status and headers from the plugin context; `length` fixes Content-Length for a whole body. */
  private writeHead(status: number, length: number | null, direct: HeaderObject | null = null): boolean {
    const ctx = this.ctx;
    let wire: HeaderObject;
    if (direct !== null) {
      // prepareDownstreamHeaders already removed the framing and hop-by-hop headers.
      wire = direct;
    } else {
      wire = this.wireHeaders(length);
    }
    return this.sendHead(status, wire);
  }

  /** The plugin context's headers for writeHead, framing fixed: `length` of a whole body, else chunked. */
  private wireHeaders(length: number | null): HeaderObject {
    const headers = this.run.ctx.responseHeaders;
    headers.delete('transfer-encoding');
    // A body_filter may change the body's size: the response is sent chunked instead.
    if (this.filtering) headers.delete('content-length');
    else if (length !== null) headers.set('Content-Length', String(length));
    return headers.toWire();
  }

  private sendHead(status: number, wire: HeaderObject): boolean {
    const ctx = this.ctx;
    try {
      ctx.res.writeHead(status, wire);
    } catch (error) {
      // A header value node:http refuses (a plugin put CR/LF in it): nothing went out yet.
      this.stopped = true;
      this.exchange?.abandon();
      ctx.snapshot.plugins.environment.logger.error('invalid response header set by a plugin', { error: error as Error });
      ctx.res.destroy();
      return false;
    }
    return true;
  }

  private writeExit(): void {
    const exit = this.run.ctx.exit!;
    this.stopped = true;
    if (this.ctx.res.headersSent) { this.ctx.res.destroy(); return; }
    this.filtering = this.run.hasBodyFilter;
    const body = typeof exit.body === 'string' ? Buffer.from(exit.body) : exit.body;
    if (this.writeHead(this.run.ctx.status, body.length)) this.forward(body, true);
  }

  /** Kong's header_filter.before for gateway-generated responses (as error-response.ts writes them). */
  private addGatewayHeaders(): void {
    const ctx = this.ctx;
    const headers = this.run.ctx.responseHeaders;
    const flags = ctx.flags;
    if (flags.responseLatency) headers.set('X-Kong-Response-Latency', String(Date.now() - ctx.startedAt));
    if (flags.server) headers.set('Server', SERVER_TOKEN);
    if (flags.requestId) headers.set('X-Kong-Request-Id', ctx.requestId);
  }

  /** One chunk towards the client, through body_filter when a plugin has one. */
  private forward(chunk: Buffer, eof: boolean): void {
    if (!this.filtering) { this.emit(chunk, eof); return; }
    const out = this.run.bodyFilter(chunk, eof);
    if (!(out instanceof Promise)) { this.emit(out, eof); return; }
    this.busy = true;
    this.controller?.pause();
    out.then((filtered) => {
      this.busy = false;
      this.emit(filtered, eof);
      if (eof) return;
      this.resume();
      this.drainWaiting();
    }, (error: unknown) => this.fail(error));
  }

  private emit(chunk: Buffer, eof: boolean): void {
    const res = this.ctx.res;
    if (res.writableEnded || res.destroyed) return;
    this.bodyBytes += chunk.length;
    // Backpressure: the upstream is not read while the client is slow to drain.
    const held = (this.held ??= new HeldWrites(res, this));
    if (eof) held.end(chunk);
    else held.write(chunk);
  }

  pauseSource(): void {
    this.controller?.pause();
  }

  resumeSource(): void {
    this.resume();
  }

  private resume(): void {
    if (!this.busy && this.held?.awaitingDrain !== true && !this.stopped) this.controller?.resume();
  }

  private drainWaiting(): void {
    while (!this.busy && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (next === null) this.forward(EMPTY, true);
      else this.forward(next, false);
    }
  }
}
