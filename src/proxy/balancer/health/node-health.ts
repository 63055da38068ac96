// Glue between the health owner, a worker's table and the places that need them: the probe
// list read from a snapshot's balancers, the all-in-one-process setup (tests, a single
// worker), and the adapter the Admin API's TargetHealthSource expects.

import type { Upstream } from '../../../entities/types.ts';
import type { Balancer, BalancerStatus } from '../types.ts';
import { HealthTable } from './health-table.ts';
import { HealthMonitor, type UpstreamProbeSet } from './monitor.ts';
import type { BalancerHealth, HealthStateSink } from './types.ts';

/** What a snapshot holds per upstream (structurally the proxy's UpstreamEntry). */
export interface BalancedUpstream {
  upstream: Upstream;
  balancer: Balancer;
}

/** The probe list for the owner, read from the current snapshot's balancers (DNS already applied). */
export function probeSetsOf(entries: Iterable<BalancedUpstream>): UpstreamProbeSet[] {
  const sets: UpstreamProbeSet[] = [];
  for (const { upstream, balancer } of entries) sets.push({ upstream, addresses: balancer.probeAddresses() });
  return sets;
}

export interface LocalHealth {
  /** Pass as SnapshotOptions.health. */
  health: BalancerHealth;
  table: HealthTable;
  monitor: HealthMonitor;
}

/**
 * Owner and table in one process: transitions go straight into the table. The runtime of a
 * single-worker node (and the tests) use this; call `monitor.sync()` after every snapshot swap.
 */
export function createLocalHealth(entries: () => Iterable<BalancedUpstream>): LocalHealth {
  const table = new HealthTable();
  const monitor = new HealthMonitor({ publish: (transition) => table.apply(transition), targets: () => probeSetsOf(entries()) });
  return { health: { source: table, sink: monitor }, table, monitor };
}

/** Structurally the Admin API's TargetHealthSource (the proxy may not import admin types). */
export interface AdminHealthSource {
  status(upstreamId: string): BalancerStatus | null;
  setHealth(upstreamId: string, targetId: string, address: string | null, healthy: boolean): Promise<void>;
}

/** `GET /upstreams/{u}/health` reads this worker's balancer; overrides go to the owner through `sink`. */
export function adminHealthSource(entries: () => Iterable<BalancedUpstream>, sink: HealthStateSink): AdminHealthSource {
  return {
    status(upstreamId) {
      for (const entry of entries()) if (entry.upstream.id === upstreamId) return entry.balancer.status();
      return null;
    },
    setHealth(upstreamId, targetId, address, healthy) {
      return sink.setHealth({ upstreamId, targetId, address, healthy });
    },
  };
}
