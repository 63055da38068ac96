// HTTP/2 client sessions towards gRPC upstreams, one per (scheme, address, TLS identity): gRPC
// multiplexes every call on one connection, so a session is shared by all concurrent calls to a
// peer (nginx's grpc_pass keeps one keepalive connection per peer the same way). Owned by the
// process, so a config reload keeps warm sessions.
import { connect, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';
import type { Settings } from '../../config/types.ts';
import type { Peer } from '../balancer/index.ts';
import { PLAIN_UPSTREAM_TLS, type UpstreamTls } from '../tls/upstream-tls.ts';

export interface SessionKeyInput {
  scheme: 'http' | 'https';
  peer: Peer;
  /** TLS server name (the upstream Host without port); undefined for IP literals. */
  servername: string | undefined;
  /** The service's upstream TLS settings (verify, CA bundle, client certificate); default: no verification. */
  tls: UpstreamTls | undefined;
}

export class GrpcSessions {
  private readonly sessions = new Map<string, ClientHttp2Session>();
  private readonly idleTimeout: number;

  /** `idleTimeout`: Kong's upstream_keepalive_idle_timeout in ms (0: sessions close when idle). */
  constructor(idleTimeout: number) {
    this.idleTimeout = idleTimeout;
  }

  get(input: SessionKeyInput): ClientHttp2Session {
    const host = input.peer.host.includes(':') ? `[${input.peer.host}]` : input.peer.host;
    const origin = `${input.scheme}://${host}:${input.peer.port}`;
    const tls = input.tls ?? PLAIN_UPSTREAM_TLS;
    const key = input.scheme === 'https' ? `${origin}|${input.servername ?? ''}|${tls.key}` : origin;
    const existing = this.sessions.get(key);
    if (existing !== undefined && !existing.closed && !existing.destroyed) return existing;
    const options: SecureClientSessionOptions = input.scheme === 'https' ? { ...tls.connectOptions(input.servername), ALPNProtocols: ['h2'] } : {};
    const session = connect(origin, options);
    const forget = (): void => { if (this.sessions.get(key) === session) this.sessions.delete(key); };
    session.on('close', forget);
    session.on('goaway', forget);
    // Failures surface on the streams; the session error itself only retires the session.
    session.on('error', forget);
    // A listener keeps the process alive, not an idle upstream connection.
    session.unref();
    session.setTimeout(this.idleTimeout > 0 ? this.idleTimeout : 1, () => {
      forget();
      session.close();
    });
    this.sessions.set(key, session);
    return session;
  }

  /** Drops a session that failed (a connect timeout leaves no other trace on it). */
  discard(session: ClientHttp2Session): void {
    for (const [key, value] of this.sessions) if (value === session) this.sessions.delete(key);
    session.destroy();
  }

  close(): void {
    for (const session of this.sessions.values()) session.destroy();
    this.sessions.clear();
  }
}

let shared: GrpcSessions | null = null;

/** The process-wide gRPC sessions; upstream_keepalive_idle_timeout is in seconds (kong.conf). */
export function defaultGrpcSessions(settings: Pick<Settings, 'upstream_keepalive_idle_timeout'>): GrpcSessions {
  shared ??= new GrpcSessions(settings.upstream_keepalive_idle_timeout * 1000);
  return shared;
}
