// Shared shapes of the balancer: what the proxy asks for (a Peer) and what DNS answers look
// like. Kept apart from the implementations so the proxy can code against them alone.

import type { Upstream } from '../../entities/types.ts';
import type { BalancerHealth, PassiveOutcome, ProbeAddress } from './health/types.ts';

/** One concrete address to connect to, as Kong's balancer_data (ip, port, hostname). */
export type Peer = {
  /** IP literal to connect to. */
  host: string;
  port: number;
  /** Name for the Host header: upstream.host_header, else the target's host (Kong `balancer_data.hostname`). */
  hostname: string;
  /** Id of the target row this address came from; null for plain service hosts. */
  targetId: string | null;
};

/** One resolved address. `port`/`weight`/`name` are only set for SRV answers. */
export interface DnsRecord {
  address: string;
  family: 4 | 6;
  /** Seconds. 0 means "ask again next time" (Kong's ttl=0 handling). */
  ttl: number;
  /** SRV port; overrides the target's port when non-zero (Kong `entry.port ~= 0`). */
  port?: number;
  /** SRV weight; Kong replaces 0 by 1 (SRV_0_WEIGHT). */
  weight?: number;
  /** SRV target name, used as Host header when upstream.use_srv_name is on. */
  name?: string;
}

/** Injected DNS dependency. Rejects with an error whose `code` is 'ENOTFOUND'/'ENODATA' for NXDOMAIN/empty. */
export interface DnsResolver {
  resolve(name: string): Promise<DnsRecord[]>;
}

export interface BalancerOptions {
  resolver?: DnsResolver;
  /** Clock in milliseconds (tests inject a fake one). */
  now?: () => number;
  /** Node-wide target health; without it every address counts as healthy (health checks off). */
  health?: BalancerHealth;
}

export interface Balancer {
  readonly upstream: Upstream;
  /**
   * Next peer. Peers not in `tried` are preferred, so a retry moves to another address.
   * Synchronous unless a first DNS resolution of some target is still pending.
   * `hashInput` is the value from `hashValueFor()`; only consistent-hashing uses it.
   * Throws/rejects BalancerError('no_peers') when nothing is usable.
   */
  pick(tried: readonly Peer[], hashInput?: string): Peer | Promise<Peer>;
  /**
   * Feedback hooks; present only for algorithms that use them (least-connections: both;
   * latency: onEnd). Call onStart when a try to `peer` starts and onEnd when it finishes,
   * with the try's connect + response time in ms (Kong's upstream_connect_time +
   * upstream_response_time) so the latency algorithm can learn.
   */
  onStart?(peer: Peer): void;
  onEnd?(peer: Peer, latencyMs?: number): void;
  /**
   * Passive health report for one try (Kong's report_http_status / report_tcp_failure /
   * report_timeout). Present only when the balancer has health state and passive checks count
   * something.
   */
  report?(peer: Peer, outcome: PassiveOutcome): void;
  /** The addresses active checks should probe (every resolved address, healthy or not). */
  probeAddresses(): ProbeAddress[];
  /** Kong's balancer getStatus(): what GET /upstreams/{u}/health reports for this node. */
  status(): BalancerStatus;
  /** Stop background work; later DNS answers are ignored. */
  close(): void;
}

export interface WeightSummary {
  total: number;
  unavailable: number;
  available: number;
}

/** Shape of Kong's `balancer:getStatus()` (kong/runloop/balancer/balancers.lua), plus target ids. */
export interface BalancerStatus {
  /** Available weight share above healthchecks.threshold (percent), as Kong's updateStatus. */
  healthy: boolean;
  weight: WeightSummary;
  hosts: Array<{
    targetId: string;
    host: string;
    port: number;
    /** Record type the addresses came from (`A`, `AAAA`, `SRV`), or the DNS error. */
    dns: string;
    nodeWeight: number;
    weight: WeightSummary;
    addresses: Array<{ ip: string; port: number; weight: number; healthy: boolean }>;
  }>;
}
