// Public API of node-wide target health (active probes, passive counters, circuit breaking).
// Runtime wiring: one HealthMonitor per node publishes HealthTransitions; every worker applies
// them to its HealthTable and passes { source: table, sink } to buildSnapshot.

export type {
  BalancerHealth, HealthOverride, HealthReport, HealthStateSink, HealthStateSource, HealthTransition,
  InternalHealth, PassiveOutcome, ProbeAddress,
} from './types.ts';
export { HealthTable } from './health-table.ts';
export { HealthMonitor } from './monitor.ts';
export type { HealthMonitorOptions, UpstreamProbeSet } from './monitor.ts';
export { adminHealthSource, createLocalHealth, probeSetsOf } from './node-health.ts';
export type { AdminHealthSource, BalancedUpstream, LocalHealth } from './node-health.ts';
export { createRemoteSink, serveHealthMessage } from './remote.ts';
export type { HealthMessage, RemoteSink } from './remote.ts';
