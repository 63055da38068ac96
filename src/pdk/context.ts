// The per-request state the PDK reads and writes. The proxy fills one of these per request
// (RequestContextInit), so the PDK never imports the proxy: the proxy reads back the mutations
// (upstream request changes, response headers, a short-circuit exit) at the seams of its flow.
import type { Consumer, Route, Service } from '../entities/types.ts';
import { ResponseHeaders } from './headers.ts';

/**
 * One header's value or values (repeated headers).
 * @example
 * ctx.upstream.headers.set('x-list', ['a', 'b']);
 */
export type HeaderValue = string | string[];
/**
 * Request headers by lower-case name, as node:http's IncomingMessage.headers.
 * @example
 * const headers: RequestHeaders = req.headers;
 */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/**
 * The phases a plugin may implement, in Kong's order (kong-core §5.1).
 * @example
 * for (const phase of PHASES) if (definition[phase]) console.log(phase);
 */
export const PHASES = [
  'init_worker', 'configure', 'certificate', 'rewrite', 'access', 'response', 'header_filter', 'body_filter', 'log',
] as const;
/**
 * A phase name as Kong spells it.
 * @example
 * const phase: PhaseName = 'access';
 */
export type PhaseName = (typeof PHASES)[number];

/**
 * A credential as kong.client.authenticate receives it: any plugin-owned row with an id.
 * @example
 * kong.client.authenticate(consumer, { id: credential.id, key: credential.key });
 */
export type Credential = Record<string, unknown> & { id: string };

/**
 * What a short circuit (kong.response.exit / error, or a plugin failure) answers with.
 * @example
 * if (ctx.exit) { res.writeHead(ctx.exit.status, ctx.responseHeaders.toWire()); res.end(ctx.exit.body); }
 */
export interface ExitResponse {
  status: number;
  /** Rendered body; '' for none (Content-Length: 0). */
  body: string | Buffer;
  /** Content-Type chosen by exit/error, null to leave unset (string bodies in exit). */
  contentType: string | null;
  /** `exit` (kong.response.exit), `error` (kong.response.error, with request_id). */
  kind: 'exit' | 'error';
}

/**
 * Changes to the request Kong sends upstream (kong.service.*); null = untouched.
 * @example
 * for (const [key, value] of ctx.upstream.headers) value === null ? delete out[key] : (out[ctx.upstream.names.get(key)!] = value);
 */
export class UpstreamRequestChanges {
  /** kong.service.set_upstream: an Upstream entity name to balance over. */
  upstreamName: string | null = null;
  /** kong.service.set_target: a fixed host/port that bypasses the balancer. */
  targetHost: string | null = null;
  targetPort: number | null = null;
  scheme: 'http' | 'https' | null = null;
  method: string | null = null;
  /** Upstream path (unescaped, as kong.service.request.set_path takes it). */
  path: string | null = null;
  /** Query string without `?`. */
  rawQuery: string | null = null;
  body: Buffer | null = null;
  /**
   * kong.service.request.enable_buffering (Kong's PDK): buffer this request's upstream response
   * so header_filter already sees the whole body (the AI plugins translate it there).
   */
  bufferResponse = false;
  // Made on first use: most requests change no upstream header, and two Maps per request add up.
  private headerMap: Map<string, HeaderValue | null> | null = null;
  private nameMap: Map<string, string> | null = null;

  /** Header changes by lower-case name: value = set, null = cleared; `names` keeps the given case. */
  get headers(): Map<string, HeaderValue | null> {
    return (this.headerMap ??= new Map());
  }

  get names(): Map<string, string> {
    return (this.nameMap ??= new Map());
  }

  /** True when some plugin set or cleared an upstream header (reading does not allocate). */
  get hasHeaderChanges(): boolean {
    return this.headerMap !== null && this.headerMap.size > 0;
  }
}

/**
 * The client request as received (read-only for plugins).
 * @example
 * const request: RequestView = { method: 'GET', scheme: 'http', host, port, path, rawQuery, headers, readBody, … };
 */
export interface RequestView {
  /** Upper-case method. */
  method: string;
  scheme: 'http' | 'https';
  /** Lower-cased host without port (nginx `$host`). */
  host: string;
  /** Port the client addressed (listener port). */
  port: number;
  /** Normalised path, no query (kong.request.get_path). */
  path: string;
  /** Query string without the leading `?`. */
  rawQuery: string;
  headers: RequestHeaders;
  /** The whole request body; the proxy buffers it on first call. */
  readBody(): Promise<Buffer>;
  /** X-Forwarded-* values after trusted_ips (kong.request.get_forwarded_*). */
  forwardedScheme: string;
  forwardedHost: string;
  forwardedPort: number;
  forwardedPath: string;
  /** Path as received, before normalisation (kong.request.get_raw_path); defaults to `path`. */
  rawPath?: string;
  /** `1.1`, `2`… (kong.request.get_http_version); default 1.1. */
  httpVersion?: number;
  /** Epoch ms the request started (kong.request.get_start_time). */
  startTime?: number;
  /** Route regex captures (kong.request.get_uri_captures). */
  uriCaptures?: { unnamed: string[]; named: Record<string, string> } | null;
}

/**
 * The connection peer (kong.client.*).
 * @example
 * const client: ClientView = { ip: peer, forwardedIp: realIp, port: peerPort, forwardedPort: peerPort };
 */
export interface ClientView {
  /** Socket address (`$realip_remote_addr`): kong.client.get_ip. */
  ip: string;
  /** Address after real_ip processing (`$remote_addr`): kong.client.get_forwarded_ip. */
  forwardedIp: string;
  port: number;
  forwardedPort: number;
}

/**
 * What the upstream answered, for kong.service.response (response/header_filter phases).
 * @example
 * run.beginServiceResponse(status, upstreamHeaders, bufferedBodyOrNull);
 */
export interface ServiceResponseView {
  status: number;
  headers: RequestHeaders;
  /** Present only when the response is buffered (a plugin implements `response`). */
  body: Buffer | null;
}

/**
 * What the proxy supplies to start a request's plugin context.
 * @example
 * new PluginRequestContext({ requestId, request, client, route, service, serialize: () => basicSerializer(ctx) });
 */
export interface RequestContextInit {
  requestId: string;
  request: RequestView;
  client: ClientView;
  route?: Route | null;
  service?: Service | null;
  /** Kong's basic log serializer for this request (kong.log.serialize), provided by the proxy. */
  serialize?: () => Record<string, unknown>;
}

/**
 * Per-request state shared by every plugin of one request.
 * @example
 * const ctx = new PluginRequestContext({ requestId, request, client, route, service });
 * await run.access(ctx); if (ctx.exit) sendExit(ctx.exit, ctx.responseHeaders);
 */
export class PluginRequestContext {
  readonly requestId: string;
  readonly request: RequestView;
  readonly client: ClientView;
  route: Route | null;
  service: Service | null;
  /** Set by kong.client.authenticate; drives consumer-scoped plugin lookup. */
  consumer: Consumer | null = null;
  credential: Credential | null = null;
  readonly upstream = new UpstreamRequestChanges();
  /** Response headers: plugin-set ones before the upstream answers, the whole set in header_filter. */
  readonly responseHeaders = new ResponseHeaders();
  /** Response status: the upstream's or the exit's, once known; 0 before. */
  status = 0;
  /** Where the response comes from (kong.response.get_source). */
  source: 'service' | 'exit' | 'error' = 'service';
  exit: ExitResponse | null = null;
  serviceResponse: ServiceResponseView | null = null;
  /** Body the response phase produced (kong.response.set_raw_body there), else null. */
  responseBody: Buffer | null = null;
  phase: PhaseName = 'rewrite';
  /** kong.ctx.shared: one object per request, visible to every plugin. */
  readonly shared: Record<string, unknown> = {};
  /** kong.ctx.plugin storage, per plugin name. */
  private pluginData: Map<string, Record<string, unknown>> | null = null;
  /** Body-filter state: chunk going out and what get_raw_body buffered. */
  chunk: Buffer | null = null;
  eof = false;
  bufferedBody: Buffer[] | null = null;
  rawBody: Buffer | null = null;
  /** kong.log.set_serialize_value: dotted keys merged into every kong.log.serialize() result. */
  serializeValues: Map<string, unknown> | null = null;
  readonly serialize: (() => Record<string, unknown>) | undefined;

  constructor(init: RequestContextInit) {
    this.requestId = init.requestId;
    this.request = init.request;
    this.client = init.client;
    this.route = init.route ?? null;
    this.service = init.service ?? null;
    this.serialize = init.serialize;
  }

  /** kong.ctx.plugin for one plugin (created on first use). */
  pluginContext(name: string): Record<string, unknown> {
    this.pluginData ??= new Map();
    let data = this.pluginData.get(name);
    if (data === undefined) {
      data = {};
      this.pluginData.set(name, data);
    }
    return data;
  }
}
