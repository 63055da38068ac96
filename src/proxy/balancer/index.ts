// Public API of the load balancer, used by the proxy. Everything else in this folder is private.

export type { Peer, DnsRecord, DnsResolver, Balancer, BalancerOptions, BalancerStatus, WeightSummary } from './types.ts';
export { BalancerError } from './errors.ts';
export type { BalancerErrorKind } from './errors.ts';
export { createSystemResolver } from './system-resolver.ts';
export type { SystemResolverOptions } from './system-resolver.ts';
export { createBalancer } from './create-balancer.ts';
export { resolvePeer } from './resolve-peer.ts';
export { hashValueFor, hashCookieHeader } from './hash-value.ts';
export type { HashRequest, HashValue } from './hash-value.ts';
export type { BalancerHealth, HealthStateSink, HealthStateSource, HealthTransition, HealthReport, HealthOverride, PassiveOutcome } from './health/index.ts';
export { HealthTable, HealthMonitor, adminHealthSource, createLocalHealth, createRemoteSink, probeSetsOf, serveHealthMessage } from './health/index.ts';
export type { AdminHealthSource, HealthMessage, LocalHealth, RemoteSink, UpstreamProbeSet } from './health/index.ts';
