// One TLS listener in front of an existing HTTP/1 server (proxy, admin or status): the TLS
// server terminates the handshake (SNICallback picks the certificate from the served config's
// table, else the default pair) and hands each connection by ALPN either to the HTTP/1 server —
// so its hardening (strict parser, header caps, timeouts, upgrades) applies unchanged, as
// node:https does internally — or, on listeners flagged `http2`, to an HTTP/2 session whose
// requests reach the same request handler. One port serves `h2` and `http/1.1`.
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContext, type TLSSocket } from 'node:tls';
import type { Settings } from '../../config/types.ts';
import type { CertificateTable } from './certificate-table.ts';
import { secureContextOf, secureContextOptions } from './certificate-table.ts';
import { protocolOptions } from './cipher-suites.ts';
import { defaultKeyPairs, type ListenerKind } from './default-certificate.ts';
import { adaptHttp2Request, adaptHttp2Response } from './http2-compat.ts';
import { helloOf, peekClientHello, prefersEcdsa } from './client-hello.ts';

export interface SecureListenerOptions {
  kind: ListenerKind;
  /** ALPN `h2` on this listener (the `http2` listen flag). */
  http2: boolean;
  /** The served config's certificates (proxy listeners); admin/status listeners only have the default. */
  certificates?: () => CertificateTable;
}

/** A bound server the worker can drain, whatever protocols it speaks. */
export interface DrainableServer {
  readonly server: NetServer;
  close(callback: () => void): void;
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

// security-and-reliability §2.19: Envoy's edge limits (100 streams, 64 KiB stream window,
// 1 MiB connection window) and a cap on the header list; node's rapid-reset and invalid-frame
// guards stay on with explicit numbers.
const MAX_CONCURRENT_STREAMS = 100;
const STREAM_WINDOW = 64 * 1024;
const CONNECTION_WINDOW = 1024 * 1024;

/** The HTTP/2 side of a listener: sessions whose requests go to `http1`'s request handler. */
export function createHttp2Bridge(settings: Settings, http1: HttpServer): { server: Http2Server; sessions: Set<Http2Session> } {
  const server = createHttp2Server({
    maxSessionInvalidFrames: 1000,
    maxSessionRejectedStreams: 100,
    // Header count, as node:http's maxHeadersCount (plus the four pseudo-headers).
    maxHeaderListPairs: settings.max_request_headers > 0 ? settings.max_request_headers + 4 : 2000,
    maxSettings: 32,
    settings: {
      maxConcurrentStreams: MAX_CONCURRENT_STREAMS,
      initialWindowSize: STREAM_WINDOW,
      maxHeaderListSize: settings.max_request_header_size,
      enablePush: false,
    },
  });
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', () => session.destroy());
    session.once('connect', () => { try { session.setLocalWindowSize(CONNECTION_WINDOW); } catch { /* already closing */ } });
    // Idle sessions close after keepalive_timeout, as nginx's http2 idle timeout (keepalive_timeout).
    session.setTimeout(settings.keepalive_timeout, () => session.close());
  });
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    adaptHttp2Request(req);
    adaptHttp2Response(res);
    http1.emit('request', req, res);
  });
  server.on('sessionError', () => undefined);
  return { server, sessions };
}

export function createSecureListener(settings: Settings, http1: HttpServer, options: SecureListenerOptions): DrainableServer {
  const protocol = protocolOptions(settings);
  const defaultPairs = defaultKeyPairs(settings, options.kind);
  const defaultContext: SecureContext = secureContextOf(defaultPairs, protocol);
  const certificates = options.certificates;
  const tls13 = protocol.maxVersion === 'TLSv1.3';
  const bridge = options.http2 ? createHttp2Bridge(settings, http1) : null;
  const server = createTlsServer({
    ...secureContextOptions(defaultPairs, protocol),
    ALPNProtocols: options.http2 ? ['h2', 'http/1.1'] : ['http/1.1'],
    // nginx bounds the handshake by client_header_timeout too.
    handshakeTimeout: settings.client_header_timeout,
    // Read per handshake from the current snapshot's prebuilt table: no context is built here.
    // node:tls calls it as a method of the server-side TLSSocket (`this`).
    SNICallback(this: unknown, servername: string, callback: (error: Error | null, context?: SecureContext) => void) {
      const socket = this;
      callback(null, certificates?.().select(servername, () => prefersEcdsa(helloOf(socket), tls13)) ?? defaultContext);
    },
  });
  if (certificates !== undefined) {
    // Look at the ClientHello before node:tls does, for dual RSA/ECDSA certificates.
    const accept = server.listeners('connection') as Array<(socket: Socket) => void>;
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => peekClientHello(socket, settings.client_header_timeout, () => {
      for (const listener of accept) listener.call(server, socket);
    }));
  }
  server.on('secureConnection', (socket: TLSSocket) => {
    if (bridge !== null && socket.alpnProtocol === 'h2') bridge.server.emit('connection', socket);
    else http1.emit('connection', socket as Socket);
  });
  server.on('tlsClientError', (_error: Error, socket: TLSSocket) => socket.destroy());
  return frontOf(server, http1, bridge?.sessions ?? null);
}

/**
 * Drain handles for a listening front that feeds connections to `http1` (never listening
 * itself) and, when bridged, to HTTP/2 sessions.
 */
export function frontOf(server: NetServer, http1: HttpServer, sessions: ReadonlySet<Http2Session> | null): DrainableServer {
  // node:http tracks connections (and enforces its request timeouts) from 'listening' on.
  server.once('listening', () => http1.emit('listening'));
  return {
    server,
    close(callback) {
      server.close(() => callback());
      // GOAWAY: streams in flight finish, no new ones start.
      for (const session of sessions ?? []) session.close();
      // Stops node:http's timeout sweeper; it never listened itself, so its own close errors.
      http1.close(() => undefined);
    },
    closeIdleConnections() { http1.closeIdleConnections(); },
    closeAllConnections() {
      http1.closeAllConnections();
      for (const session of sessions ?? []) session.destroy();
    },
  };
}
