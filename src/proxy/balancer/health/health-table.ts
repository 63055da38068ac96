// A worker's copy of the node's target health: transitions from the owner are applied here,
// and each balancer of the worker reads it and rebuilds when its upstream changes. Healthy is
// the default, so only addresses that are (or were recently) failing take memory.

import { isServing } from './counters.ts';
import type { HealthStateSource, HealthTransition, InternalHealth } from './types.ts';

export class HealthTable implements HealthStateSource {
  private readonly states = new Map<string, Map<string, HealthTransition>>();
  private readonly listeners = new Map<string, Set<() => void>>();

  apply(transition: HealthTransition): void {
    const { upstreamId, address } = transition;
    let upstream = this.states.get(upstreamId);
    const before = upstream?.get(address)?.state ?? 'healthy';
    if (transition.state === 'healthy') {
      upstream?.delete(address);
      if (upstream?.size === 0) this.states.delete(upstreamId);
    } else {
      if (upstream === undefined) { upstream = new Map(); this.states.set(upstreamId, upstream); }
      upstream.set(address, transition);
    }
    // Balancers only care whether an address serves; mostly_* steps need no rebuild.
    if (isServing(before) === isServing(transition.state)) return;
    const listeners = this.listeners.get(upstreamId);
    if (listeners) for (const listener of [...listeners]) listener();
  }

  state(upstreamId: string, address: string): InternalHealth {
    return this.states.get(upstreamId)?.get(address)?.state ?? 'healthy';
  }

  isHealthy(upstreamId: string, address: string): boolean {
    return isServing(this.state(upstreamId, address));
  }

  subscribe(upstreamId: string, listener: () => void): () => void {
    let set = this.listeners.get(upstreamId);
    if (set === undefined) { set = new Set(); this.listeners.set(upstreamId, set); }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(upstreamId) === set) this.listeners.delete(upstreamId);
    };
  }

  /** Every non-default entry: what a freshly started worker must be sent to catch up. */
  entries(): HealthTransition[] {
    const all: HealthTransition[] = [];
    for (const upstream of this.states.values()) all.push(...upstream.values());
    return all;
  }
}
