// A RequestView over node:http's IncomingMessage, so the proxy can hand its request to the PDK
// with one constructor. The body is read only when a plugin asks for it (kong.request.get_raw_body
// / get_body); once read, the proxy must send `bufferedBody` upstream instead of the stream.
import type { IncomingMessage } from 'node:http';
import type { RequestHeaders, RequestView } from '../pdk/index.ts';
import { readRequestBody } from '../core/read-body.ts';

/** The request facts the proxy already resolved (normalised path, $host, X-Forwarded-*). */
export interface IncomingRequestFacts {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
  /** Query without the leading `?`. */
  rawQuery: string;
  forwardedScheme: string;
  forwardedHost: string;
  forwardedPort: number;
  forwardedPath: string;
  rawPath?: string;
  startTime?: number;
  uriCaptures?: { unnamed: string[]; named: Record<string, string> } | null;
  /** Largest body a plugin may buffer (client_max_body_size; 0 = unlimited). */
  maxBodySize?: number;
}

/**
 * Builds the PDK's view of a node:http request.
 * @example
 * const request = new IncomingRequestView(req, { scheme: 'http', host: ctx.host, port: ctx.hostPort, path: ctx.path,
 *   rawQuery: ctx.query.slice(1), forwardedScheme: ctx.forwardedProto, forwardedHost: ctx.forwardedHost,
 *   forwardedPort: Number(ctx.forwardedPort), forwardedPath: ctx.forwardedPath });
 */
export class IncomingRequestView implements RequestView {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: RequestHeaders;
  readonly forwardedScheme: string;
  readonly forwardedHost: string;
  readonly forwardedPort: number;
  readonly forwardedPath: string;
  readonly rawPath: string;
  readonly httpVersion: number;
  readonly startTime: number;
  /** Set by the proxy once the router matched (routing happens after rewrite). */
  uriCaptures: { unnamed: string[]; named: Record<string, string> } | null;
  /** The whole body once a plugin read it, else null (the proxy streams the request then). */
  bufferedBody: Buffer | null = null;
  private readonly req: IncomingMessage;
  private readonly maxBodySize: number;
  private reading: Promise<Buffer> | null = null;

  constructor(req: IncomingMessage, facts: IncomingRequestFacts) {
    this.req = req;
    this.method = req.method ?? 'GET';
    this.headers = req.headers;
    this.scheme = facts.scheme;
    this.host = facts.host;
    this.port = facts.port;
    this.path = facts.path;
    this.rawQuery = facts.rawQuery;
    this.forwardedScheme = facts.forwardedScheme;
    this.forwardedHost = facts.forwardedHost;
    this.forwardedPort = facts.forwardedPort;
    this.forwardedPath = facts.forwardedPath;
    this.rawPath = facts.rawPath ?? facts.path;
    this.httpVersion = Number(req.httpVersion) || 1.1;
    this.startTime = facts.startTime ?? Date.now();
    this.uriCaptures = facts.uriCaptures ?? null;
    this.maxBodySize = facts.maxBodySize ?? 0;
  }

  readBody(): Promise<Buffer> {
    this.reading ??= this.collect();
    return this.reading;
  }

  private async collect(): Promise<Buffer> {
    this.bufferedBody = await readRequestBody(this.req, this.maxBodySize);
    return this.bufferedBody;
  }
}
