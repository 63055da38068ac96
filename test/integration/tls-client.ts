// TLS/HTTP2 clients for the TLS tests: one request over a fresh connection, reporting what the
// handshake produced (certificate CN and key type, ALPN protocol) along with the response.
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as http2Connect, type IncomingHttpHeaders } from 'node:http2';
import { connect as tlsConnect, type ConnectionOptions, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';

export interface Handshake {
  commonName: string | undefined;
  /** `ec` or `rsa`, from the served certificate's public key. */
  keyType: 'ec' | 'rsa';
  alpn: string | false | null;
}

/** Only the handshake: which certificate the server picks for `servername` (none: no SNI). */
export function handshake(port: number, servername: string | undefined, options: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername === undefined ? {} : { servername }), ...options }, () => {
      const cert = socket.getPeerCertificate() as DetailedPeerCertificate;
      resolve({ commonName: cert.subject?.CN as string | undefined, keyType: cert.asn1Curve !== undefined ? 'ec' : 'rsa', alpn: socket.alpnProtocol });
      socket.end();
    });
    socket.on('error', reject);
  });
}

export interface TlsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  alpn: string | false | null;
}

/** An HTTP/1.1 request over TLS (fresh connection). */
export function httpsGet(port: number, path: string, options: { servername?: string; headers?: Record<string, string>; ca?: string } = {}): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const request: RequestOptions & { ALPNProtocols: string[] } = {
      host: '127.0.0.1', port, path, agent: false, ALPNProtocols: ['http/1.1'],
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.servername === undefined ? {} : { servername: options.servername }),
      ...(options.ca === undefined ? { rejectUnauthorized: false } : { ca: options.ca }),
    };
    const req = httpsRequest(request, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), alpn: (res.socket as TLSSocket).alpnProtocol }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** An HTTP/2 request over TLS with ALPN h2, or h2c with prior knowledge for `scheme: 'http'` (fresh session). */
export function http2Get(
  port: number, path: string, options: { servername?: string; authority?: string; headers?: Record<string, string>; scheme?: 'http' | 'https'; body?: string } = {},
): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`${options.scheme ?? 'https'}://127.0.0.1:${port}`, { rejectUnauthorized: false, ALPNProtocols: ['h2'], ...(options.servername === undefined ? {} : { servername: options.servername }) });
    session.on('error', reject);
    const stream = session.request({ ':path': path, ':authority': options.authority ?? options.servername ?? '127.0.0.1', ...(options.headers ?? {}) });
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (received) => { headers = received; });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      const alpn = session.alpnProtocol ?? null;
      session.close();
      resolve({ status: Number(headers[':status']), headers: headers as TlsResponse['headers'], body: Buffer.concat(chunks).toString(), alpn: alpn as string });
    });
    stream.end(options.body);
  });
}
