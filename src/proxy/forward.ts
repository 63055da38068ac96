// One proxied exchange with the upstream over undici's dispatch handler API (no fetch/Response
// objects; headers passed through; bodies streamed both ways with backpressure). Implements
// Kong's balancer retries: `service.retries` extra tries, a new peer each time, only while
// nothing reached the client, and for requests that may have reached the upstream only when
// the method is idempotent and there is no body to replay (nginx proxy_next_upstream
// `error timeout`, non_idempotent off — security-and-reliability §4.1).
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Peer } from './balancer/index.ts';
import { BalancerError } from './balancer/index.ts';
import type { ProxyContext } from './context.ts';
import { prepareDownstreamHeaders } from './downstream-headers.ts';
import { sendKongError, sendNginxError } from './error-response.ts';
import { choosePeer, upstreamFor } from './peer.ts';
import { sniFor, upstreamHostHeader } from './upstream-target.ts';
import type { UpstreamPools } from './upstream-pool.ts';
import { buildUpstreamHeaders } from './upstream-headers.ts';
import { BodyTooLargeError, type UpstreamBody } from './body-limit.ts';
import type { UpstreamEntry } from './snapshot.ts';
import { PRECISE_BELOW_MS, readDeadlines, type ReadWatched } from './read-deadlines.ts';
import { HeldWrites, type WriteSource } from './write-batch.ts';

type DispatchController = Dispatcher.DispatchController;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** service.read_timeout expired (read-deadlines.ts): answered as a timeout, 504 before the head. */
class ReadTimeoutError extends Error {
  readonly code: string;
  constructor(beforeHead: boolean) {
    super('upstream read timed out');
    this.name = 'ReadTimeoutError';
    this.code = beforeHead ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT';
  }
}

/** Failure reason recorded in `tries` and used to choose 502 vs 504. */
export function classifyUpstreamError(error: Error): 'timeout' | 'error' {
  const code = (error as { code?: string }).code;
  return code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'error';
}

/**
 * Where the upstream's response goes when plugins run (plugin-response.ts): the sink owns the
 * client response from the head on (header_filter, body_filter, response-phase buffering).
 */
export interface ResponseSink {
  head(statusCode: number, headers: Record<string, string | string[] | number | undefined>, controller: DispatchController): void;
  data(chunk: Buffer, controller: DispatchController): void;
  end(): void;
  /**
   * A gateway error before any response (balancer failure: `kong.response.error`; upstream
   * failure: nginx's error page), answered through the plugins' header_filter and body_filter.
   */
  gatewayError(status: number, message: string | undefined, nginxPage: boolean, close: boolean): void;
  /**
   * The upstream failed after its response head. True when the sink ended the client response
   * cleanly itself (a body filter closing an event stream); false to abort the client connection.
   */
  upstreamFailedMidBody?(error: Error): boolean;
}

export class UpstreamExchange implements Dispatcher.DispatchHandler, ReadWatched, WriteSource {
  private readonly ctx: ProxyContext;
  private readonly pools: UpstreamPools;
  private readonly entry: UpstreamEntry | undefined;
  private readonly body: UpstreamBody | Buffer | null;
  private readonly method: string;
  private readonly sink: ResponseSink | null;
  private readonly tried: Peer[] = [];
  private triesLeft: number;
  private controller: DispatchController | null = null;
  private requestStarted = false;
  /** This try's outcome already went to the passive health checks. */
  private reported = false;
  private done = false;
  private balancerStartedAt = 0;
  /** The client writes of a body, batched per loop turn, and their backpressure (write-batch.ts). */
  private held: HeldWrites | null = null;
  /** Native timer for read timeouts under PRECISE_BELOW_MS; longer ones use readDeadlines. */
  private readTimer: NodeJS.Timeout | null = null;
  private headReceived = false;
  readDeadline = 0;
  readTimeoutMs = 0;
  watchPrev: ReadWatched | null = null;
  watchNext: ReadWatched | null = null;
  watched = false;

  constructor(ctx: ProxyContext, pools: UpstreamPools, body: UpstreamBody | Buffer | null, sink: ResponseSink | null = null) {
    this.ctx = ctx;
    this.pools = pools;
    this.body = body;
    this.sink = sink;
    // kong.service.request.set_method
    this.method = ctx.plugins?.ctx.upstream.method ?? ctx.req.method ?? 'GET';
    this.entry = upstreamFor(ctx);
    this.triesLeft = ctx.service!.retries;
    // 'close' fires once per response: `on` spares the per-request wrapper of `once`.
    ctx.res.on('close', () => this.onClientClose());
  }

  /** Picks a peer and dispatches; later tries come back here from onResponseError. */
  start(): void {
    this.balancerStartedAt = Date.now();
    choosePeer(this.ctx, this.tried, this.entry, (peer) => this.dispatchTo(peer), (error) => this.onPickFailed(error));
  }

  private onPickFailed(error: unknown): void {
    if (this.done) return;
    if (this.tried.length > 0) {
      // Kong's balancer phase failing on a retry ends the request with the last try's failure.
      this.fail(this.ctx.tries[this.ctx.tries.length - 1]?.error === 'timeout' ? 504 : 502);
      return;
    }
    this.done = true;
    const ctx = this.ctx;
    if (this.sink !== null) {
      this.sink.gatewayError(error instanceof BalancerError ? error.status : 500, error instanceof BalancerError ? error.message : undefined, false, false);
      return;
    }
    // Kong's access.after: `kong.response.error(errcode, err)` for balancer failures.
    if (error instanceof BalancerError) sendKongError(ctx.res, ctx, ctx.req.headers.accept, error.status, error.message);
    else sendKongError(ctx.res, ctx, ctx.req.headers.accept, 500);
  }

  private dispatchTo(peer: Peer): void {
    const ctx = this.ctx;
    if (this.done) return;
    const service = ctx.service!;
    const now = Date.now();
    ctx.peer = peer;
    this.tried.push(peer);
    ctx.tries.push({ ip: peer.host, port: peer.port, balancer_start: this.balancerStartedAt, balancer_latency: now - this.balancerStartedAt, code: null, error: null });
    ctx.upstreamHost = upstreamHostHeader(ctx, peer);
    const scheme = ctx.plugins?.ctx.upstream.scheme ?? (service.protocol === 'https' || service.protocol === 'grpcs' ? 'https' : 'http');
    const pool = this.pools.get({
      scheme,
      peer,
      connectTimeout: service.connect_timeout,
      // Kong sends the upstream Host (without port) as SNI, so preserve_host also steers SNI.
      servername: sniFor(ctx.upstreamHost),
      tls: ctx.snapshot.upstreamTls.get(service.id),
    });
    this.requestStarted = false;
    this.reported = false;
    if (ctx.upstreamSentAt === 0) ctx.upstreamSentAt = now;
    this.entry?.balancer.onStart?.(peer);
    pool.dispatch({
      path: ctx.upstreamUri,
      method: this.method as Dispatcher.HttpMethod,
      headers: buildUpstreamHeaders(ctx, false),
      // undici streams async iterables chunked at runtime; its typings only list Readable.
      body: this.body as Dispatcher.DispatchOptions['body'],
      idempotent: IDEMPOTENT.has(this.method),
      // read_timeout is enforced by this exchange (armRead): undici's timers cost garbage.
      headersTimeout: 0,
      bodyTimeout: 0,
      upgrade: null,
    }, this);
  }

  onRequestStart(controller: DispatchController): void {
    this.controller = controller;
    this.requestStarted = true;
    if (this.done) { controller.abort(new Error('client closed the connection')); return; }
    this.headReceived = false;
    this.readTimeoutMs = this.ctx.service!.read_timeout;
    this.armRead();
  }

  /** Starts or restarts the wait for the upstream's next read (the head, then each chunk). */
  private armRead(): void {
    const timeout = this.readTimeoutMs;
    if (timeout <= 0) return;
    if (timeout >= PRECISE_BELOW_MS) { readDeadlines.watch(this, Date.now() + timeout); return; }
    if (this.readTimer !== null) { this.readTimer.refresh(); return; }
    this.readTimer = setTimeout(() => {
      if (this.readPaused()) { this.readTimer?.refresh(); return; }
      this.readTimer = null;
      this.readTimedOut();
    }, timeout);
  }

  private disarmRead(): void {
    if (this.readTimer !== null) { clearTimeout(this.readTimer); this.readTimer = null; }
    readDeadlines.unwatch(this);
  }

  readPaused(): boolean {
    return this.controller?.paused === true;
  }

  readTimedOut(): void {
    this.controller?.abort(new ReadTimeoutError(!this.headReceived));
  }

  onResponseStart(controller: DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.controller = controller;
    this.headReceived = true;
    this.armRead();
    const ctx = this.ctx;
    if (this.done) { controller.abort(new Error('client closed the connection')); return; }
    ctx.upstreamHeadersAt = Date.now();
    ctx.upstreamStatus = statusCode;
    ctx.tries[ctx.tries.length - 1]!.code = statusCode;
    // Passive health checks see the upstream's status (Kong's report_http_status).
    this.reported = true;
    this.entry?.balancer.report?.(ctx.peer!, { kind: 'http_status', status: statusCode });
    const out = prepareDownstreamHeaders(ctx, headers);
    if (ctx.setCookie !== null) appendSetCookie(out, ctx.setCookie);
    if (this.sink !== null) {
      // From here on the plugins' response phases own the client response: no more retries.
      ctx.responseStarted = true;
      this.sink.head(statusCode, out, controller);
      return;
    }
    try {
      ctx.res.writeHead(statusCode, statusMessage || undefined, out);
    } catch (error) {
      // A header node:http refuses to write (e.g. CR/LF smuggled into a value) never reaches
      // the client; the response is replaced by a 502 (§2.5), without retrying elsewhere.
      this.triesLeft = 0;
      controller.abort(error as Error);
      return;
    }
    ctx.responseStarted = true;
  }

  onResponseData(controller: DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.armRead();
    if (this.sink !== null) { this.sink.data(chunk, controller); return; }
    this.clientWrites().write(chunk);
  }

  /** Backpressure: the upstream is not read while the client is slow to drain (§2.14 slow read). */
  private clientWrites(): HeldWrites {
    return (this.held ??= new HeldWrites(this.ctx.res, this));
  }

  pauseSource(): void {
    this.controller?.pause();
  }

  resumeSource(): void {
    this.controller?.resume();
  }

  onResponseEnd(): void {
    this.disarmRead();
    const abandoned = this.done;
    this.finish();
    if (this.sink !== null) { if (!abandoned) this.sink.end(); return; }
    if (this.ctx.res.writableEnded) return;
    this.clientWrites().end();
  }

  /** Stops the exchange because a plugin replaced the response (header_filter/response exit). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.disarmRead();
    this.controller?.abort(new Error('response replaced by a plugin'));
  }

  onResponseError(_controller: DispatchController, error: Error): void {
    this.disarmRead();
    const ctx = this.ctx;
    this.entry?.balancer.onEnd?.(ctx.peer!);
    if (this.done) return;
    const kind = error instanceof BodyTooLargeError ? 'error' : classifyUpstreamError(error);
    const last = ctx.tries[ctx.tries.length - 1];
    if (last !== undefined) last.error = kind;
    if (!this.reported && !(error instanceof BodyTooLargeError)) {
      // A failed try counts against the address as Kong's balancer does before retrying:
      // timeouts as timeouts, every other connection failure as a tcp failure.
      this.reported = true;
      this.entry?.balancer.report?.(ctx.peer!, { kind: kind === 'timeout' ? 'timeout' : 'tcp_failure' });
    }
    if (ctx.responseStarted || ctx.res.headersSent) {
      this.done = true;
      // A streaming body filter (ai-proxy's SSE translation) may close its stream cleanly and
      // record the interruption; otherwise abort the client connection so the truncation is
      // visible (no terminating chunk, no error body appended) — §4.1.
      if (this.sink?.upstreamFailedMidBody?.(error) === true) return;
      ctx.res.destroy(error);
      return;
    }
    if (error instanceof BodyTooLargeError) { this.fail(413, true); return; }
    const replayable = !this.requestStarted || (this.body === null && IDEMPOTENT.has(this.method));
    if (this.triesLeft > 0 && replayable) {
      this.triesLeft -= 1;
      this.start();
      return;
    }
    this.fail(kind === 'timeout' ? 504 : 502);
  }

  private fail(status: number, close = false): void {
    this.done = true;
    if (this.sink !== null) { this.sink.gatewayError(status, undefined, true, close); return; }
    const ctx = this.ctx;
    const req = ctx.req;
    sendNginxError(ctx.res, ctx, req.headers.accept, req.headers['content-type'], ctx.snapshot.settings.error_default_type, status, close);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.entry?.balancer.onEnd?.(this.ctx.peer!);
  }

  private onClientClose(): void {
    if (this.done) return;
    // The client went away before the exchange finished: stop the upstream request too.
    this.done = true;
    this.disarmRead();
    this.controller?.abort(new Error('client closed the connection'));
  }
}

function appendSetCookie(out: Record<string, string | string[] | number | undefined>, cookie: string): void {
  const existing = out['set-cookie'];
  if (existing === undefined) out['set-cookie'] = cookie;
  else if (Array.isArray(existing)) existing.push(cookie);
  else out['set-cookie'] = [String(existing), cookie];
}
