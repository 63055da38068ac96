// Kong's basic log serializer (kong.log.serialize, kong/pdk/log.lua in Kong 3.x): the table the
// logging plugins send. Pure: the proxy hands in what it knows about the request, and the
// serializer is only called when a plugin asks for it (nothing is computed per request otherwise).
import type { Consumer, Route, Service } from '../entities/types.ts';
import { parseQuery, type Credential } from '../pdk/index.ts';

/** One balancer try as Kong reports it (`balancer_data.tries`). */
export interface SerializedTry {
  ip: string;
  port: number;
  balancer_latency: number;
  balancer_start: number;
  code?: number | null;
  state?: string | null;
}

/**
 * What the proxy knows about a finished (or finishing) request.
 * @example
 * serializeRequest({ requestId, requestUri: req.url, scheme: 'http', host, serverPort, … });
 */
export interface SerializerInput {
  requestId: string;
  /** `$request_uri`: path and query exactly as the client sent them. */
  requestUri: string;
  scheme: string;
  /** `$host` and `$server_port`. */
  host: string;
  serverPort: number;
  method: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  /** `$request_length`: request line, headers and body bytes. */
  requestSize: number;
  /** `$upstream_uri`, '' when nothing was proxied. */
  upstreamUri: string;
  /** Status of each try, Kong's `$upstream_status` (`"502, 200"`), '' when none. */
  upstreamStatus: string;
  status: number;
  responseHeaders: Record<string, string | string[] | number | undefined>;
  /** `$bytes_sent`. */
  responseSize: number;
  tries: readonly SerializedTry[];
  /** Milliseconds (Kong's KONG_*_TIME): gateway time, waiting for the upstream, total, body receive. */
  latencies: { kong: number; proxy: number; request: number; receive: number };
  route: Route | null;
  service: Service | null;
  consumer: Consumer | null;
  credential: Credential | null;
  clientIp: string;
  /** Epoch ms the request started. */
  startedAt: number;
  /** kong.response.get_source(). */
  source: string;
}

// Kong 3.x replaces these request header values before they reach any log sink.
const REDACTED_HEADERS = ['authorization', 'proxy-authorization'];

function lowerCaseHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

/** Kong's build_authenticated_entity: `consumer_id`, else the id of the `consumer` reference. */
function consumerIdOf(credential: Credential): string | undefined {
  if (typeof credential.consumer_id === 'string') return credential.consumer_id;
  const consumer = credential.consumer as { id?: unknown } | null | undefined;
  return typeof consumer?.id === 'string' ? consumer.id : undefined;
}

/**
 * Kong's serializer table.
 * @example
 * const entry = serializeRequest(input);
 * entry.request.url; // 'http://example.test:8000/path?x=1'
 */
export function serializeRequest(input: SerializerInput): Record<string, unknown> {
  const requestHeaders = lowerCaseHeaders(input.requestHeaders);
  for (const name of REDACTED_HEADERS) if (requestHeaders[name] !== undefined) requestHeaders[name] = 'REDACTED';
  const queryAt = input.requestUri.indexOf('?');
  const credential = input.credential;
  return {
    request: {
      id: input.requestId,
      uri: input.requestUri,
      url: `${input.scheme}://${input.host}:${input.serverPort}${input.requestUri}`,
      querystring: { ...parseQuery(queryAt === -1 ? '' : input.requestUri.slice(queryAt + 1)) },
      method: input.method,
      headers: requestHeaders,
      size: input.requestSize,
    },
    upstream_uri: input.upstreamUri,
    upstream_status: input.upstreamStatus,
    response: {
      status: input.status,
      headers: lowerCaseHeaders(input.responseHeaders),
      size: input.responseSize,
    },
    latencies: input.latencies,
    tries: input.tries.map((entry) => ({ ...entry })),
    authenticated_entity: credential === null ? undefined : { id: credential.id, consumer_id: consumerIdOf(credential) },
    route: input.route,
    service: input.service,
    consumer: input.consumer ?? undefined,
    client_ip: input.clientIp,
    started_at: input.startedAt,
    source: input.source,
    workspace: DEFAULT_WORKSPACE_ID,
    workspace_name: 'default',
  };
}

// Portico has one workspace; Kong's default workspace id is random per install, so any fixed
// UUID is as good to a log reader (they only group by it).
const DEFAULT_WORKSPACE_ID = '00000000-0000-0000-0000-000000000000';
