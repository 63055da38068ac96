// Public surface of the proxy (data plane).
export { buildSnapshot } from './snapshot.ts';
export type { Snapshot, SnapshotOptions, UpstreamEntry } from './snapshot.ts';
export { createProxyServer, defaultUpstreamPools } from './server.ts';
export type { ProxyServerOptions } from './server.ts';
export { UpstreamPools } from './upstream-pool.ts';
export { ProxyContext } from './context.ts';
export type { TryRecord } from './context.ts';
export { headerFlags } from './header-flags.ts';
export type { HeaderFlags } from './header-flags.ts';
export { TrustedIps, realClientAddress } from './trusted-ips.ts';
export { negotiateErrorMime, renderErrorBody, sendKongError, sendKongExit, sendNginxError } from './error-response.ts';
export type { ErrorMime, GeneratedResponse } from './error-response.ts';
export { HealthTable, HealthMonitor, adminHealthSource, createLocalHealth, createRemoteSink, probeSetsOf, serveHealthMessage } from './balancer/index.ts';
export type { AdminHealthSource, BalancerHealth, HealthStateSink, HealthStateSource, HealthTransition, HealthReport, HealthOverride, HealthMessage, LocalHealth, RemoteSink } from './balancer/index.ts';
