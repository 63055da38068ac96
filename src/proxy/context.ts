// The per-request state of one proxied request. One instance per request, all fields declared
// up front (monomorphic), so the V8 shape never changes. With plugins, `plugins` holds the
// request's PluginRun, whose context carries the plugins' upstream changes (read by forward.ts,
// peer.ts, upstream-headers.ts); the log serializer reads `tries` and the latency marks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route, Service } from '../entities/types.ts';
import type { PluginRun } from '../pipeline/index.ts';
import type { RouteMatch } from '../router/types.ts';
import type { Peer } from './balancer/index.ts';
import type { HeaderFlags } from './header-flags.ts';
import type { Snapshot } from './snapshot.ts';
import { normalizeAddress } from './trusted-ips.ts';

/** One balancer try, as Kong's log serializer reports `tries`. */
export interface TryRecord {
  ip: string;
  port: number;
  /** Milliseconds spent picking the peer. */
  balancer_latency: number;
  /** Epoch ms when the balancer started for this try. */
  balancer_start: number;
  /** Upstream status when the try got a response, else null. */
  code: number | null;
  /** Short failure reason (`connect`, `timeout`, `reset`, …) when the try failed, else null. */
  error: string | null;
}

export class ProxyContext {
  readonly requestId: string;
  /** Epoch ms the request was received (Kong's KONG_PROCESSING_START). */
  readonly startedAt: number;
  readonly snapshot: Snapshot;
  readonly flags: HeaderFlags;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Connection scheme of the listener. */
  readonly scheme: 'http' | 'https';
  /** Socket peer (`$realip_remote_addr`). */
  readonly peerAddress: string | undefined;
  /** `$remote_addr` after real-IP processing. */
  clientAddress: string | undefined = undefined;
  peerTrusted = false;
  /** Effective X-Forwarded-* values (client's when the peer is trusted, Kong's own otherwise). */
  forwardedProto = '';
  forwardedHost = '';
  forwardedPort = '';
  forwardedPath = '';
  forwardedPrefix = '';
  /** Raw request path (before normalisation, no query) and the query including its `?`. */
  rawPath = '';
  query = '';
  /** Normalised path the router matched. */
  path = '';
  /** Lower-cased Host header without port (nginx `$host`), and the port the client addressed. */
  host = '';
  hostPort = 0;
  match: RouteMatch | null = null;
  route: Route | null = null;
  service: Service | null = null;
  /** Escaped upstream path + query, as nginx's `$upstream_uri`. */
  upstreamUri = '';
  upstreamHost = '';
  peer: Peer | null = null;
  tries: TryRecord[] = [];
  /** Epoch ms marks for the latency headers; 0 = not reached. */
  upstreamSentAt = 0;
  upstreamHeadersAt = 0;
  upstreamStatus = 0;
  /** Set-Cookie for a minted consistent-hashing cookie (Kong's balancer set_cookie), else null. */
  setCookie: string | null = null;
  /** True once any response byte (status line included) went to the client. */
  responseStarted = false;
  /** The plugin run of this request; null on the passthrough path (no plugin configured). */
  plugins: PluginRun | null = null;

  constructor(snapshot: Snapshot, req: IncomingMessage, res: ServerResponse, requestId: string, scheme: 'http' | 'https') {
    this.snapshot = snapshot;
    this.flags = snapshot.flags;
    this.req = req;
    this.res = res;
    this.requestId = requestId;
    this.scheme = scheme;
    this.startedAt = Date.now();
    this.peerAddress = normalizeAddress(req.socket.remoteAddress);
  }
}
