// Keep-alive connection pools towards upstream peers, one undici Pool per (scheme, address,
// connect timeout, TLS identity). Owned by the process, not by a config snapshot, so a config
// reload keeps warm connections (Kong's upstream keepalive pools survive reloads too).
import { Pool } from 'undici';
import type { Settings } from '../config/types.ts';
import type { Peer } from './balancer/index.ts';
import { PLAIN_UPSTREAM_TLS, type UpstreamTls } from './tls/upstream-tls.ts';

export type PoolSettings = Pick<Settings, 'upstream_keepalive_pool_size' | 'upstream_keepalive_max_requests' | 'upstream_keepalive_idle_timeout'>;

export interface PoolKeyInput {
  scheme: 'http' | 'https';
  peer: Peer;
  connectTimeout: number;
  /** TLS server name (the upstream Host without port); undefined for IP literals. */
  servername: string | undefined;
  /** The service's upstream TLS settings (snapshot.upstreamTls); default: no verification, no client certificate. */
  tls?: UpstreamTls;
}

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private readonly settings: PoolSettings;

  constructor(settings: PoolSettings) {
    this.settings = settings;
  }

  get(input: PoolKeyInput): Pool {
    const host = input.peer.host.includes(':') ? `[${input.peer.host}]` : input.peer.host;
    const origin = `${input.scheme}://${host}:${input.peer.port}`;
    const key = input.scheme === 'https'
      ? `${origin}|${input.connectTimeout}|${input.servername ?? ''}|${(input.tls ?? PLAIN_UPSTREAM_TLS).key}`
      : `${origin}|${input.connectTimeout}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = this.create(origin, input);
      this.pools.set(key, pool);
    }
    return pool;
  }

  private create(origin: string, input: PoolKeyInput): Pool {
    const { upstream_keepalive_idle_timeout: idle, upstream_keepalive_max_requests: maxRequests } = this.settings;
    return new Pool(origin, {
      connections: null,
      pipelining: 1,
      connectTimeout: input.connectTimeout,
      // Kong's upstream_keepalive_idle_timeout; a value of 0 disables keep-alive in Kong.
      keepAliveTimeout: idle > 0 ? idle : 1,
      keepAliveMaxTimeout: idle > 0 ? idle : 1,
      ...(maxRequests > 0 ? { maxRequestsPerClient: maxRequests } : {}),
      strictContentLength: true,
      connect: input.scheme === 'https'
        ? (input.tls ?? PLAIN_UPSTREAM_TLS).connectOptions(input.servername)
        : {},
    });
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
