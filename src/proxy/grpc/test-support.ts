// Test support for gRPC proxying: a loopback gRPC echo server on node:http2 (unary, server
// streaming, client streaming, bidi, errors, a call that never answers), a raw gRPC client, and
// the proxy behind its cleartext HTTP/2 listener (h2c prior knowledge).
import { connect, createSecureServer, createServer, type Http2SecureServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Settings } from '../../config/types.ts';
import type { EntitySet } from '../../entities/types.ts';
import { createLogger } from '../../core/logger.ts';
import { createProxyServer } from '../server.ts';
import { createCleartextListener } from '../tls/cleartext-listener.ts';
import { buildSnapshot, type Snapshot, type SnapshotOptions } from '../snapshot.ts';
import { UpstreamPools } from '../upstream-pool.ts';
import { encodeGrpcFrame, GrpcFrameReader } from './grpc-frames.ts';

export interface Listening {
  server: Http2Server | Http2SecureServer;
  port: number;
  /** Request headers of every call the server received. */
  calls: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function listen(server: Http2Server | Http2SecureServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closeHttp2(server: Http2Server | Http2SecureServer, sessions: Set<{ destroy(): void }>): Promise<void> {
  for (const session of sessions) session.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function trackSessions(server: Http2Server | Http2SecureServer): Set<{ destroy(): void }> {
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (session) => { sessions.add(session); session.on('close', () => sessions.delete(session)); });
  return sessions;
}

function finish(stream: ServerHttp2Stream, status: number, message: string | null, extra: Record<string, string> = {}): void {
  stream.sendTrailers({ 'grpc-status': String(status), ...(message === null ? {} : { 'grpc-message': message }), ...extra });
}

/** The echo service: `/echo.Echo/<Method>`; payloads are opaque bytes, echoed back. With `tls`: h2 over TLS. */
export async function startGrpcEcho(tls?: { key: string; cert: string }): Promise<Listening> {
  const server: Http2Server | Http2SecureServer = tls === undefined ? createServer() : createSecureServer({ key: tls.key, cert: tls.cert });
  const sessions = trackSessions(server);
  const calls: IncomingHttpHeaders[] = [];
  server.on('stream', (stream, headers) => {
    calls.push(headers);
    const method = String(headers[':path']).split('/').pop();
    const metadata = headers['x-meta'];
    const head: Record<string, string> = { ':status': '200', 'content-type': 'application/grpc' };
    if (typeof metadata === 'string') head['x-meta-echo'] = metadata;
    const reader = new GrpcFrameReader();
    const received: Buffer[] = [];
    stream.on('error', () => {});
    if (method === 'Slow') { stream.on('data', () => {}); return; }
    if (method === 'Fail') {
      stream.on('data', () => {});
      stream.on('end', () => stream.respond({ ':status': '200', 'content-type': 'application/grpc', 'grpc-status': '5', 'grpc-message': 'no such thing' }, { endStream: true }));
      return;
    }
    stream.respond(head, { waitForTrailers: true });
    stream.on('wantTrailers', () => finish(stream, 0, null, { 'x-trail': `received ${received.length}` }));
    stream.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        received.push(frame.payload);
        if (method === 'Bidi') stream.write(encodeGrpcFrame(frame.payload));
      }
    });
    stream.on('end', () => {
      if (method === 'Unary') stream.end(encodeGrpcFrame(received[0] ?? Buffer.alloc(0)));
      else if (method === 'ServerStream') {
        for (let index = 0; index < 3; index += 1) stream.write(encodeGrpcFrame(Buffer.from(`${received[0]?.toString() ?? ''}#${index}`)));
        stream.end();
      } else if (method === 'ClientStream') stream.end(encodeGrpcFrame(Buffer.concat(received)));
      else stream.end();
    });
  });
  const port = await listen(server);
  return { server, port, calls, close: () => closeHttp2(server, sessions) };
}

export interface GrpcProxy {
  port: number;
  snapshot: Snapshot;
  close(): Promise<void>;
}

/**
 * The proxy as a worker serves it on a plain listener flagged `http2`: the hardened HTTP/1
 * server behind the h2c-or-HTTP/1.1 front (TLS engineer's cleartext listener).
 */
export async function startGrpcProxy(entities: EntitySet, settings: Settings, options: SnapshotOptions = {}): Promise<GrpcProxy> {
  const snapshot = buildSnapshot(entities, settings, 1, options);
  const pools = new UpstreamPools(settings);
  const http1 = createProxyServer(settings, () => snapshot, createLogger('crit'), { pools });
  const front = createCleartextListener(settings, http1);
  await new Promise<void>((resolve) => front.server.listen(0, '127.0.0.1', resolve));
  const port = (front.server.address() as AddressInfo).port;
  return {
    port,
    snapshot,
    async close() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await pools.close();
      snapshot.close();
    },
  };
}

export interface GrpcResult {
  headers: IncomingHttpHeaders;
  messages: Buffer[];
  trailers: IncomingHttpHeaders;
  /** grpc-status from the trailers, or from a trailers-only header block. */
  status: number | null;
  message: string | null;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Milliseconds between request messages (streaming calls). */
  gap?: number;
  /** Called with each response message as it arrives (bidi ordering checks). */
  onMessage?: (payload: Buffer) => void;
}

/** One gRPC call over a fresh h2c connection; resolves once the response stream closes. */
export function grpcCall(port: number, path: string, requests: readonly Buffer[], options: CallOptions = {}): Promise<GrpcResult> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...(options.headers ?? {}),
    });
    const reader = new GrpcFrameReader();
    const result: GrpcResult = { headers: {}, messages: [], trailers: {}, status: null, message: null };
    stream.on('response', (headers) => { result.headers = headers; });
    stream.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) { result.messages.push(frame.payload); options.onMessage?.(frame.payload); }
    });
    stream.on('trailers', (trailers) => { result.trailers = trailers; });
    stream.on('error', () => {});
    stream.on('close', () => {
      const source = result.trailers['grpc-status'] !== undefined ? result.trailers : result.headers;
      result.status = source['grpc-status'] === undefined ? null : Number(source['grpc-status']);
      result.message = typeof source['grpc-message'] === 'string' ? decodeURIComponent(source['grpc-message']) : null;
      session.close();
      resolve(result);
    });
    const gap = options.gap ?? 0;
    const writeAll = async (): Promise<void> => {
      for (const payload of requests) {
        stream.write(encodeGrpcFrame(payload));
        if (gap > 0) await new Promise((done) => setTimeout(done, gap));
      }
      stream.end();
    };
    writeAll().catch(reject);
  });
}
