// Where the upstream request goes: the Host header per preserve_host and the balancer's
// hostname/port (kong-core §3.6), and `$upstream_uri` (normalised path re-escaped, query verbatim).
import { isIP } from 'node:net';
import { escapeUpstreamPath, hostnameOf } from '../router/index.ts';
import type { Peer } from './balancer/index.ts';
import type { ProxyContext } from './context.ts';

/** Host for this try: the client's raw Host with preserve_host, else hostname[:port]. */
export function upstreamHostHeader(ctx: ProxyContext, peer: Peer): string {
  const clientHost = ctx.req.headers.host;
  if (ctx.route !== null && ctx.route.preserve_host && clientHost !== undefined) return clientHost;
  const protocol = ctx.service!.protocol;
  // Kong omits the port only when it is the scheme's default (80 for http/grpc, 443 for https/grpcs).
  const defaultPort = protocol === 'https' || protocol === 'grpcs' ? 443 : 80;
  const name = peer.hostname.includes(':') && !peer.hostname.startsWith('[') ? `[${peer.hostname}]` : peer.hostname;
  return peer.port === defaultPort ? name : `${name}:${peer.port}`;
}

/** `$upstream_uri`: the router's upstream path, re-escaped, plus the original query (a bare `?` kept). */
export function upstreamUri(upstreamPath: string, query: string): string {
  return escapeUpstreamPath(upstreamPath) + query;
}

/** TLS SNI for an upstream Host value: the name without port; none for IP literals (RFC 6066). */
export function sniFor(upstreamHost: string): string | undefined {
  const name = hostnameOf(upstreamHost);
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  return isIP(bare) === 0 ? name : undefined;
}
