// The proxy listener: a node:http server hardened per security-and-reliability §2.2 (strict
// parser, header size/count caps, client timeouts checked every second) that hands each
// request to the flow in flow.ts with the snapshot current at arrival. Not yet listening: the
// worker binds it (reusePort).
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Settings } from '../config/types.ts';
import { newRequestId } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import { rawErrorResponse, sendNginxError } from './error-response.ts';
import { handleProxyRequest, type FlowOptions, type UpgradeRequest } from './flow.ts';
import { headerFlags } from './header-flags.ts';
import type { Snapshot } from './snapshot.ts';
import { UpstreamPools } from './upstream-pool.ts';
import { isWebSocketUpgrade } from './websocket.ts';

export interface ProxyServerOptions {
  /** Upstream connection pools; by default one set shared by every proxy server of the process. */
  pools?: UpstreamPools;
  /** Scheme of the listener (TLS termination sets `https`). */
  scheme?: 'http' | 'https';
}

let sharedPools: UpstreamPools | null = null;

/** The process-wide upstream pools (created with the first server's settings). */
export function defaultUpstreamPools(settings: Settings): UpstreamPools {
  sharedPools ??= new UpstreamPools(settings);
  return sharedPools;
}

/** §2.2: the lenient parser re-opens every smuggling class llhttp closes; refuse to start with it. */
function assertStrictParser(): void {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (flags.includes('--insecure-http-parser')) {
    throw new Error('refusing to start the proxy with --insecure-http-parser');
  }
}

// node:http clientError codes → the status nginx/Kong would answer with.
const CLIENT_ERROR_STATUS: Record<string, { status: number; reason: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout' },
  HPE_HEADERS_TIMEOUT: { status: 408, reason: 'Request Timeout' },
};

export function createProxyServer(settings: Settings, getSnapshot: () => Snapshot, logger: Logger, options: ProxyServerOptions = {}): Server {
  assertStrictParser();
  const flow: FlowOptions = { pools: options.pools ?? defaultUpstreamPools(settings), scheme: options.scheme ?? 'http' };
  const flags = headerFlags(settings);
  // Node requires headersTimeout <= requestTimeout; requestTimeout bounds the whole request
  // (headers and body), nginx's client_body_timeout is per read — the larger one is used.
  const headersTimeout = settings.client_header_timeout;
  const requestTimeout = Math.max(settings.client_header_timeout, settings.client_body_timeout);
  const server = createServer({
    insecureHTTPParser: false,
    requireHostHeader: true,
    joinDuplicateHeaders: false,
    maxHeaderSize: settings.max_request_header_size,
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: settings.keepalive_timeout,
    // Timeouts above are only enforced on this tick; Node's 30 s default makes them late (§2.2).
    connectionsCheckingInterval: 1000,
    shouldUpgradeCallback: isWebSocketUpgrade,
  });
  // One more than the limit, so a block over the limit is still visible (and refused) instead
  // of silently truncated by node:http (§2.1).
  server.maxHeadersCount = settings.max_request_headers > 0 ? settings.max_request_headers + 1 : 0;

  // A bug in one request must cost that request a 500 (Kong's `An unexpected error occurred`),
  // never the worker and every connection on it.
  const guarded = (req: IncomingMessage, res: ServerResponse, upgrade: UpgradeRequest | null): void => {
    const snapshot = getSnapshot();
    try {
      handleProxyRequest(snapshot, req, res, flow, upgrade);
    } catch (error) {
      logger.error('proxy request failed', { error: error as Error, url: req.url });
      if (res.headersSent) { res.destroy(); return; }
      sendNginxError(res, { flags, requestId: newRequestId(), startedAt: Date.now() }, req.headers.accept, req.headers['content-type'], settings.error_default_type, 500, true);
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => guarded(req, res, null));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // node:http gives upgrade requests no response object; attach one so the same flow can
    // answer with Kong's error pages before the tunnel exists.
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => { if (!socket.destroyed) socket.end(); });
    socket.on('error', () => socket.destroy());
    guarded(req, res, { socket, head });
  });

  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    // A reverse proxy has no business tunnelling CONNECT.
    socket.end(rawErrorResponse(400, 'Bad Request', flags, newRequestId(), settings.error_default_type));
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const known = error.code === undefined ? undefined : CLIENT_ERROR_STATUS[error.code];
    if (error.code === 'ECONNRESET' || !socket.writable) { socket.destroy(); return; }
    // A response already under way on this socket cannot get an error page appended.
    const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (pending && pending.headersSent) { socket.destroy(); return; }
    const status = known?.status ?? 400;
    const reason = known?.reason ?? 'Bad Request';
    logger.debug('rejected client request', { code: error.code, status });
    socket.end(rawErrorResponse(status, reason, flags, newRequestId(), settings.error_default_type));
  });

  return server;
}
