// The strategy behind a balancer, picked by upstream.algorithm. An algorithm Portico does not
// implement fails when the balancer is built, never by silently balancing another way.

import type { Upstream } from '../../entities/types.ts';
import { createConsistentHashing } from './consistent-hashing.ts';
import { createLatency } from './latency.ts';
import { createLeastConnections } from './least-connections.ts';
import { createRoundRobin } from './round-robin.ts';
import type { Address } from './targets.ts';
import type { Peer } from './types.ts';

export interface Algorithm {
  /**
   * Replace the address set (after a target, DNS or health change). Algorithms with
   * `keepsUnavailable` get every address plus the keys of the unhealthy ones and skip those
   * when picking; the others get the healthy addresses only.
   */
  rebuild(addresses: readonly Address[], unavailable?: ReadonlySet<string>): void;
  /** Consistent hashing keeps unhealthy addresses on its ring so their keys come back to them. */
  readonly keepsUnavailable?: boolean;
  /** A peer, preferring ones not in `tried`; null when there is none with weight. */
  pick(tried: readonly Peer[], hashInput?: string): Peer | null;
  onStart?(peer: Peer): void;
  onEnd?(peer: Peer, latencyMs?: number): void;
}

export function createAlgorithm(upstream: Upstream, now: () => number): Algorithm {
  switch (upstream.algorithm) {
    case 'round-robin':
      return createRoundRobin();
    case 'least-connections':
      return createLeastConnections();
    case 'consistent-hashing':
      return createConsistentHashing(upstream.slots);
    case 'latency':
      return createLatency(now);
    default:
      throw new Error(`load-balancing algorithm '${String(upstream.algorithm)}' of upstream '${upstream.name}' is not supported`);
  }
}
