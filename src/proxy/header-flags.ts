// Which informational headers Kong adds, decided once per settings object. Kong's `headers`
// setting accepts single header names plus the group tokens `server_tokens` (Server + Via) and
// `latency_tokens` (every X-Kong-*-Latency), see kong/conf_loader `headers` handling; `off` is [].
import type { Settings } from '../config/types.ts';

export interface HeaderFlags {
  server: boolean;
  via: boolean;
  proxyLatency: boolean;
  upstreamLatency: boolean;
  responseLatency: boolean;
  upstreamStatus: boolean;
  requestId: boolean;
  /** headers_upstream: X-Kong-Request-Id sent to the upstream. */
  upstreamRequestId: boolean;
}

export function headerFlags(settings: Pick<Settings, 'headers' | 'headers_upstream'>): HeaderFlags {
  const tokens = new Set(settings.headers.map((token) => token.toLowerCase()));
  const upstream = new Set(settings.headers_upstream.map((token) => token.toLowerCase()));
  const serverTokens = tokens.has('server_tokens');
  const latencyTokens = tokens.has('latency_tokens');
  return {
    server: serverTokens || tokens.has('server'),
    via: serverTokens || tokens.has('via'),
    proxyLatency: latencyTokens || tokens.has('x-kong-proxy-latency'),
    upstreamLatency: latencyTokens || tokens.has('x-kong-upstream-latency'),
    responseLatency: latencyTokens || tokens.has('x-kong-response-latency'),
    upstreamStatus: tokens.has('x-kong-upstream-status'),
    requestId: tokens.has('x-kong-request-id'),
    upstreamRequestId: upstream.has('x-kong-request-id'),
  };
}
