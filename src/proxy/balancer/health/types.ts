// Shapes of node-wide target health. One owner per node (the HealthMonitor: counters, active
// probes, manual overrides) publishes transitions; every worker applies them to its
// HealthTable, which the balancers read. Passive reports travel the other way, from any
// worker's proxy to the owner. Everything here is structured-clone safe so the runtime can
// carry it over IPC unchanged.

/**
 * lua-resty-healthcheck's internal states. `mostly_healthy` (a healthy address with failures
 * counted) still takes traffic; `mostly_unhealthy` (an unhealthy one with successes counted)
 * still does not.
 */
export type InternalHealth = 'healthy' | 'mostly_healthy' | 'mostly_unhealthy' | 'unhealthy';

/** Published by the owner whenever an address changes internal state. */
export interface HealthTransition {
  upstreamId: string;
  targetId: string;
  /** `ip:port` (IPv6 without brackets), as the balancer's address keys. */
  address: string;
  healthy: boolean;
  state: InternalHealth;
}

/** What one proxied try tells the health checker (Kong's report_* calls from the balancer). */
export type PassiveOutcome =
  | { kind: 'http_status'; status: number }
  | { kind: 'tcp_failure' }
  | { kind: 'timeout' };

export type HealthReport = PassiveOutcome & {
  upstreamId: string;
  targetId: string;
  address: string;
};

/** PUT /upstreams/{u}/targets/{t}[/{ip:port}]/healthy|unhealthy. */
export interface HealthOverride {
  upstreamId: string;
  targetId: string;
  /** `ip:port` or `[v6]:port`; null = every address of the target. */
  address: string | null;
  healthy: boolean;
}

/** Where reports and overrides go: the owner itself, or an IPC hop towards it. */
export interface HealthStateSink {
  report(report: HealthReport): void;
  setHealth(override: HealthOverride): Promise<void>;
}

/** What a worker's balancers read: the node's current health, and change notifications. */
export interface HealthStateSource {
  /** Internal state of one address; addresses never reported are `healthy`. */
  state(upstreamId: string, address: string): InternalHealth;
  /** Calls `listener` after every transition of that upstream; returns the unsubscribe function. */
  subscribe(upstreamId: string, listener: () => void): () => void;
}

/** The pair a worker hands to buildSnapshot so its balancers skip unhealthy addresses and report. */
export interface BalancerHealth {
  source: HealthStateSource;
  sink: HealthStateSink;
}

/** One address the owner may probe. */
export interface ProbeAddress {
  targetId: string;
  ip: string;
  port: number;
  /** Host header / SNI base: upstream.host_header, else the target's host (Kong's hostheader). */
  hostname: string;
}
