// WebSocket proxying (kong-core §4.6): an `Upgrade: websocket` request on an http/https route
// is sent upstream with Kong's upgrade headers; only after the upstream answered 101 are the
// two sockets spliced, and only then do bytes the client sent after its request reach the
// upstream (security-and-reliability §2.12, the Pingora CVE-2026-2833 class). A non-101 answer
// is relayed as an ordinary response and the connection closed.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { SERVER_TOKEN } from '../core/version.ts';
import { BalancerError, type Peer } from './balancer/index.ts';
import type { ProxyContext } from './context.ts';
import { prepareDownstreamHeaders } from './downstream-headers.ts';
import { sendKongError, sendNginxError } from './error-response.ts';
import { pickPeer, upstreamFor } from './peer.ts';
import { buildUpstreamHeaders } from './upstream-headers.ts';
import { sniFor, upstreamHostHeader } from './upstream-target.ts';

/** Whether node:http should hand this request to the `upgrade` event: WebSocket only (never h2c). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return upgrade !== undefined && upgrade.toLowerCase() === 'websocket' && req.method === 'GET';
}

export function tunnelWebSocket(ctx: ProxyContext, socket: Duplex, head: Buffer): void {
  // Hold whatever the client sends after the upgrade request until the upstream accepted it.
  socket.pause();
  let picked: Peer | Promise<Peer>;
  try {
    picked = pickPeer(ctx, [], upstreamFor(ctx));
  } catch (error) {
    pickFailed(ctx, error);
    return;
  }
  if (picked instanceof Promise) picked.then((peer) => connect(ctx, peer, socket, head), (error: unknown) => pickFailed(ctx, error));
  else connect(ctx, picked, socket, head);
}

function pickFailed(ctx: ProxyContext, error: unknown): void {
  const status = error instanceof BalancerError ? error.status : 500;
  const message = error instanceof BalancerError ? error.message : undefined;
  sendKongError(ctx.res, ctx, ctx.req.headers.accept, status, message);
}

function connect(ctx: ProxyContext, peer: Peer, socket: Duplex, head: Buffer): void {
  const service = ctx.service!;
  const started = Date.now();
  ctx.peer = peer;
  ctx.tries.push({ ip: peer.host, port: peer.port, balancer_start: started, balancer_latency: 0, code: null, error: null });
  ctx.upstreamHost = upstreamHostHeader(ctx, peer);
  ctx.upstreamSentAt = started;
  const tls = service.protocol === 'https';
  const options = {
    host: peer.host,
    port: peer.port,
    method: 'GET',
    path: ctx.upstreamUri,
    headers: buildUpstreamHeaders(ctx, true),
    agent: false as const,
    timeout: service.read_timeout,
    ...(tls ? { servername: sniFor(ctx.upstreamHost), rejectUnauthorized: service.tls_verify === true } : {}),
  };
  const upstream: ClientRequest = tls ? httpsRequest(options) : httpRequest(options);
  let settled = false;
  const fail = (status: number): void => {
    if (settled) return;
    settled = true;
    upstream.destroy();
    const last = ctx.tries[ctx.tries.length - 1];
    if (last !== undefined) last.error = status === 504 ? 'timeout' : 'error';
    const req = ctx.req;
    sendNginxError(ctx.res, ctx, req.headers.accept, req.headers['content-type'], ctx.snapshot.settings.error_default_type, status, true);
  };
  const connectTimer = setTimeout(() => fail(504), service.connect_timeout);
  upstream.once('socket', (upstreamSocket) => upstreamSocket.once('connect', () => clearTimeout(connectTimer)));
  upstream.once('timeout', () => fail(504));
  upstream.once('error', () => { clearTimeout(connectTimer); fail(502); });
  socket.once('close', () => { if (!settled) { settled = true; clearTimeout(connectTimer); upstream.destroy(); } });

  upstream.once('upgrade', (response, upstreamSocket, upstreamHead) => {
    clearTimeout(connectTimer);
    if (settled) { upstreamSocket.destroy(); return; }
    settled = true;
    ctx.upstreamHeadersAt = Date.now();
    ctx.upstreamStatus = response.statusCode ?? 101;
    ctx.tries[ctx.tries.length - 1]!.code = ctx.upstreamStatus;
    ctx.responseStarted = true;
    ctx.res.detachSocket(socket as import('node:net').Socket);
    socket.write(switchingProtocolsHead(ctx, response));
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.setTimeout(0);
    const closeBoth = (): void => { socket.destroy(); upstreamSocket.destroy(); };
    socket.once('error', closeBoth);
    upstreamSocket.once('error', closeBoth);
    socket.once('close', closeBoth);
    upstreamSocket.once('close', closeBoth);
    socket.pipe(upstreamSocket);
    upstreamSocket.pipe(socket);
    socket.resume();
  });

  upstream.once('response', (response) => {
    clearTimeout(connectTimer);
    if (settled) { response.destroy(); return; }
    settled = true;
    // The upstream declined the upgrade: relay its answer, never the client's held bytes.
    ctx.upstreamHeadersAt = Date.now();
    ctx.upstreamStatus = response.statusCode ?? 502;
    ctx.tries[ctx.tries.length - 1]!.code = ctx.upstreamStatus;
    try {
      ctx.res.writeHead(ctx.upstreamStatus, prepareDownstreamHeaders(ctx, response.headers));
    } catch {
      response.destroy();
      sendNginxError(ctx.res, ctx, undefined, undefined, ctx.snapshot.settings.error_default_type, 502, true);
      return;
    }
    ctx.responseStarted = true;
    response.pipe(ctx.res);
    response.once('error', () => ctx.res.destroy());
  });
  upstream.end();
}

/** The 101 head for the client: the upstream's lines (Upgrade, Sec-WebSocket-Accept, …) plus Kong's. */
function switchingProtocolsHead(ctx: ProxyContext, response: IncomingMessage): string {
  let head = `HTTP/1.1 101 ${response.statusMessage || 'Switching Protocols'}\r\n`;
  const raw = response.rawHeaders;
  let hasServer = false;
  let via: string | null = null;
  for (let index = 0; index < raw.length; index += 2) {
    const lower = raw[index]!.toLowerCase();
    if (lower === 'server') hasServer = true;
    if (lower === 'via') { via = raw[index + 1]!; continue; }
    head += `${raw[index]}: ${raw[index + 1]}\r\n`;
  }
  const flags = ctx.flags;
  if (flags.via) head += `Via: ${via === null ? '' : `${via}, `}1.1 ${SERVER_TOKEN}\r\n`;
  else if (via !== null) head += `Via: ${via}\r\n`;
  if (flags.server && !hasServer) head += `Server: ${SERVER_TOKEN}\r\n`;
  if (flags.upstreamLatency) head += `X-Kong-Upstream-Latency: ${ctx.upstreamHeadersAt - ctx.upstreamSentAt}\r\n`;
  if (flags.proxyLatency) head += `X-Kong-Proxy-Latency: ${ctx.upstreamSentAt - ctx.startedAt}\r\n`;
  if (flags.requestId) head += `X-Kong-Request-Id: ${ctx.requestId}\r\n`;
  return `${head}\r\n`;
}
