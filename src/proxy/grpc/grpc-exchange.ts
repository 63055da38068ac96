// One proxied gRPC call (Kong's grpc_pass location, kong-core §4.6): HTTP/2 to the upstream over
// a shared session (h2c for `grpc`, h2 over TLS for `grpcs`), both directions streamed with
// backpressure, response trailers (grpc-status, grpc-message, metadata) passed through.
// Gateway failures become gRPC errors (§4.5). Retries follow Kong's balancer: a new peer only
// while the call never reached an upstream (the request body is piped after the session connects).
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import type { Dispatcher } from 'undici';
import { constants as h2 } from 'node:http2';
import type { Peer } from '../balancer/index.ts';
import { BalancerError } from '../balancer/index.ts';
import type { ProxyContext } from '../context.ts';
import { prepareDownstreamHeaders } from '../downstream-headers.ts';
import { choosePeer, upstreamFor } from '../peer.ts';
import type { UpstreamEntry } from '../snapshot.ts';
import { buildUpstreamHeaders } from '../upstream-headers.ts';
import { sniFor, upstreamHostHeader } from '../upstream-target.ts';
import type { ResponseSink } from '../forward.ts';
import { isHttp2Request, respondTrailersOnly, sendGrpcHttpError } from './grpc-status.ts';
import { parseGrpcTimeout } from './grpc-timeout.ts';
import type { GrpcSessions } from './session-pool.ts';

type OutgoingHeaders = Record<string, string | string[]>;

/** The upstream header block: Kong's §4.1 headers, `Host` as `:authority`, no HTTP/1 leftovers. */
export function grpcUpstreamHeaders(ctx: ProxyContext, scheme: 'http' | 'https'): OutgoingHeaders {
  const flat = buildUpstreamHeaders(ctx, false);
  const out: OutgoingHeaders = {
    ':method': ctx.req.method ?? 'POST',
    ':scheme': scheme,
    ':path': ctx.upstreamUri,
  };
  for (let index = 0; index < flat.length; index += 2) {
    const name = flat[index]!.toLowerCase();
    // Pseudo-headers of the client's stream are rebuilt above; `content-length` is re-derived.
    if (name.charCodeAt(0) === 58 /* : */ || name === 'content-length') continue;
    const value = flat[index + 1]!;
    if (name === 'host') { out[':authority'] = value; continue; }
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  // gRPC servers require `te: trailers` (nginx's grpc_pass always sends it).
  out.te = 'trailers';
  return out;
}

export class GrpcExchange {
  private readonly ctx: ProxyContext;
  private readonly sessions: GrpcSessions;
  private readonly entry: UpstreamEntry | undefined;
  private readonly tried: Peer[] = [];
  private triesLeft: number;
  private stream: ClientHttp2Stream | null = null;
  private done = false;
  private readTimer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private balancerStartedAt = 0;
  private readonly body: Buffer | null;
  private readonly sink: ResponseSink | null;

  /**
   * `body`: a request body a plugin replaced or read (null: the client's stream is piped);
   * `sink`: the plugins' response phases (null: straight to the client).
   */
  constructor(ctx: ProxyContext, sessions: GrpcSessions, body: Buffer | null = null, sink: ResponseSink | null = null) {
    this.ctx = ctx;
    this.sessions = sessions;
    this.body = body;
    this.sink = sink;
    this.entry = upstreamFor(ctx);
    this.triesLeft = ctx.service!.retries;
    ctx.res.once('close', () => this.onClientClose());
  }

  start(): void {
    // The client's deadline bounds the whole call, whatever the service timeouts allow.
    const deadline = parseGrpcTimeout(this.ctx.req.headers['grpc-timeout']);
    if (deadline !== null) {
      // 504 maps to DEADLINE_EXCEEDED; the message is the one gRPC libraries use.
      this.deadlineTimer = setTimeout(() => { this.deadlineTimer = null; this.failHttp(504, 'Deadline Exceeded'); }, deadline);
    }
    this.nextTry();
  }

  private nextTry(): void {
    this.balancerStartedAt = Date.now();
    choosePeer(this.ctx, this.tried, this.entry, (peer) => this.connectTo(peer), (error) => this.onPickFailed(error));
  }

  private onPickFailed(error: unknown): void {
    if (this.done) return;
    if (error instanceof BalancerError) this.failHttp(error.status, error.message);
    else this.failHttp(this.tried.length > 0 ? 502 : 500);
  }

  private connectTo(peer: Peer): void {
    if (this.done) return;
    const ctx = this.ctx;
    const service = ctx.service!;
    const now = Date.now();
    ctx.peer = peer;
    this.tried.push(peer);
    ctx.tries.push({ ip: peer.host, port: peer.port, balancer_start: this.balancerStartedAt, balancer_latency: now - this.balancerStartedAt, code: null, error: null });
    ctx.upstreamHost = upstreamHostHeader(ctx, peer);
    const scheme = service.protocol === 'grpcs' ? 'https' : 'http';
    const session = this.sessions.get({ scheme, peer, servername: sniFor(ctx.upstreamHost), tls: ctx.snapshot.upstreamTls.get(service.id) });
    this.entry?.balancer.onStart?.(peer);
    if (!session.connecting) { this.send(session, scheme); return; }
    const onConnect = (): void => { this.clearConnectTimer(); session.off('error', onError); this.send(session, scheme); };
    const onError = (): void => { this.clearConnectTimer(); session.off('connect', onConnect); this.tryFailed('error', session); };
    session.once('connect', onConnect);
    session.once('error', onError);
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      session.off('connect', onConnect);
      session.off('error', onError);
      this.tryFailed('timeout', session);
    }, service.connect_timeout);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) { clearTimeout(this.connectTimer); this.connectTimer = null; }
  }

  /** A try that never reached the upstream: the next peer, or the gateway's error. */
  private tryFailed(kind: 'timeout' | 'error', session: ClientHttp2Session): void {
    const ctx = this.ctx;
    this.sessions.discard(session);
    this.entry?.balancer.onEnd?.(ctx.peer!);
    const last = ctx.tries[ctx.tries.length - 1];
    if (last !== undefined) last.error = kind;
    this.entry?.balancer.report?.(ctx.peer!, { kind: kind === 'timeout' ? 'timeout' : 'tcp_failure' });
    if (this.done) return;
    if (this.triesLeft > 0) {
      this.triesLeft -= 1;
      this.nextTry();
      return;
    }
    this.failHttp(kind === 'timeout' ? 504 : 502);
  }

  private send(session: ClientHttp2Session, scheme: 'http' | 'https'): void {
    if (this.done) return;
    const ctx = this.ctx;
    if (ctx.upstreamSentAt === 0) ctx.upstreamSentAt = Date.now();
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(grpcUpstreamHeaders(ctx, scheme), { endStream: false });
    } catch {
      this.tryFailed('error', session);
      return;
    }
    this.stream = stream;
    this.armReadTimer();
    stream.on('response', (headers, flags) => this.onResponse(headers, (flags & h2.NGHTTP2_FLAG_END_STREAM) !== 0));
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('trailers', (trailers) => this.onTrailers(trailers));
    stream.on('end', () => this.onEnd());
    stream.on('error', () => { /* reported through 'close' with its RST code */ });
    stream.on('close', () => this.onStreamClose());
    if (this.body !== null) {
      stream.end(this.body);
      return;
    }
    ctx.req.pipe(stream);
    ctx.req.on('error', () => stream.close(h2.NGHTTP2_CANCEL));
  }

  /** nginx's grpc_read_timeout: the longest wait between two reads from the upstream. */
  private armReadTimer(): void {
    if (this.readTimer !== null) this.readTimer.refresh();
    else this.readTimer = setTimeout(() => { this.readTimer = null; this.onReadTimeout(); }, this.ctx.service!.read_timeout);
  }

  private clearTimers(): void {
    if (this.readTimer !== null) { clearTimeout(this.readTimer); this.readTimer = null; }
    if (this.deadlineTimer !== null) { clearTimeout(this.deadlineTimer); this.deadlineTimer = null; }
    this.clearConnectTimer();
  }

  private onReadTimeout(): void {
    if (this.done) return;
    const last = this.ctx.tries[this.ctx.tries.length - 1];
    if (last !== undefined) last.error = 'timeout';
    this.entry?.balancer.report?.(this.ctx.peer!, { kind: 'timeout' });
    this.failHttp(504);
  }

  private onResponse(headers: IncomingHttpHeaders & IncomingHttpStatusHeader, endsStream: boolean): void {
    if (this.done) return;
    const ctx = this.ctx;
    this.armReadTimer();
    const status = Number(headers[':status'] ?? 200);
    ctx.upstreamHeadersAt = Date.now();
    ctx.upstreamStatus = status;
    ctx.tries[ctx.tries.length - 1]!.code = status;
    this.entry?.balancer.report?.(ctx.peer!, { kind: 'http_status', status });
    const copy: Record<string, string | string[] | undefined> = {};
    for (const name of Object.keys(headers)) if (name.charCodeAt(0) !== 58) copy[name] = headers[name] as string | string[] | undefined;
    const out = prepareDownstreamHeaders(ctx, copy);
    // Kong's Via token names the protocol version it spoke to the client: `2` for gRPC (§4.2).
    if (typeof out.via === 'string' && isHttp2Request(ctx.req)) out.via = out.via.replace(/1\.1 (kong\/\S+)$/, '2 $1');
    ctx.responseStarted = true;
    if (this.sink !== null) {
      // The plugins' phases write headers and body separately, so a trailers-only status is
      // repeated in the trailers, where an HTTP/2 gRPC client still finds it.
      if (endsStream && isHttp2Request(ctx.req) && out['grpc-status'] !== undefined) {
        ctx.res.addTrailers({ 'grpc-status': String(out['grpc-status']), 'grpc-message': String(out['grpc-message'] ?? '') });
      }
      this.sink.head(status, out, this.controllerFor(this.stream!));
      return;
    }
    // A trailers-only answer (typically an error status) stays one END_STREAM header block.
    if (endsStream && respondTrailersOnly(ctx.res, status, out)) { this.finish(); return; }
    ctx.res.writeHead(status, out);
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    this.armReadTimer();
    if (this.sink !== null) { this.sink.data(chunk, this.controllerFor(this.stream!)); return; }
    if (!this.ctx.res.write(chunk)) {
      // Backpressure: stop reading the upstream until the client drains.
      const stream = this.stream!;
      stream.pause();
      this.ctx.res.once('drain', () => stream.resume());
    }
  }

  private onTrailers(trailers: IncomingHttpHeaders): void {
    if (this.done) return;
    const copy: Record<string, string> = {};
    for (const name of Object.keys(trailers)) {
      const value = trailers[name];
      if (name.charCodeAt(0) !== 58 && value !== undefined) copy[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    // With plugins, the trailers become visible to kong.service.response.get_header at the
    // end of the body, as nginx exposes them as $upstream_trailer_* (grpc-web reads them there).
    const service = this.ctx.plugins?.ctx.serviceResponse;
    if (service !== null && service !== undefined) Object.assign(service.headers, copy);
    // Only an HTTP/2 client can receive trailers; an HTTP/1 client gets them through a plugin.
    if (isHttp2Request(this.ctx.req)) this.ctx.res.addTrailers(copy);
  }

  private onEnd(): void {
    if (this.done) return;
    this.finish();
    if (this.sink !== null && this.ctx.responseStarted) { this.sink.end(); return; }
    if (!this.ctx.res.headersSent) {
      // A stream that ended without any header block is a broken upstream answer.
      sendGrpcHttpError(this.ctx.res, this.ctx, 502);
      return;
    }
    if (!this.ctx.res.writableEnded) this.ctx.res.end();
  }

  private onStreamClose(): void {
    if (this.done) return;
    const ctx = this.ctx;
    if (ctx.res.headersSent) {
      // Reset mid-response: the client sees the stream reset too (no invented status).
      this.finish();
      ctx.res.destroy();
      return;
    }
    const last = ctx.tries[ctx.tries.length - 1];
    if (last !== undefined) last.error = 'error';
    this.entry?.balancer.report?.(ctx.peer!, { kind: 'tcp_failure' });
    this.failHttp(502);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    if (this.ctx.peer !== null) this.entry?.balancer.onEnd?.(this.ctx.peer);
  }

  private failHttp(status: number, message?: string): void {
    if (this.done) return;
    this.finish();
    this.stream?.close(h2.NGHTTP2_CANCEL);
    if (this.sink !== null && !this.ctx.res.headersSent) {
      // Through the plugins' filters and log: Kong's error page for bridged calls (grpc-web,
      // grpc-gateway), turned into a gRPC status for gRPC clients (grpc-exit.ts).
      this.sink.gatewayError(status, message, message === undefined, false);
      return;
    }
    sendGrpcHttpError(this.ctx.res, this.ctx, status, message);
  }

  /** Stops the call because a plugin replaced the response. */
  abandon(): void {
    if (this.done) return;
    this.finish();
    this.stream?.close(h2.NGHTTP2_CANCEL);
  }

  /** The pause/resume/abort handle the plugin response phases expect from an upstream exchange. */
  private controllerFor(stream: ClientHttp2Stream): Dispatcher.DispatchController {
    return {
      get aborted() { return stream.destroyed; },
      get paused() { return stream.isPaused(); },
      get reason() { return null; },
      abort: () => this.abandon(),
      pause: () => { stream.pause(); },
      resume: () => { stream.resume(); },
    };
  }

  private onClientClose(): void {
    if (this.done) return;
    // The client cancelled (or went away): cancel the upstream call as well.
    this.finish();
    this.stream?.close(h2.NGHTTP2_CANCEL);
  }
}
