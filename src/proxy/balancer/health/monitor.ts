// The node's one health owner (Kong runs its healthchecker's active checks in one worker and
// keeps the counters in shared memory). It holds the counters of every address, runs the active
// probes, takes passive reports and manual overrides, and publishes each state change through
// `publish` — pure of IPC, so the runtime can run it in one worker (or in-process in tests) and
// broadcast transitions to every worker's HealthTable.
//
// As in Kong, passive checks alone never bring a target back: an unhealthy address gets no
// traffic, so no passive success can be counted. Only active probes (unhealthy.interval > 0
// and healthy.successes > 0) or a manual PUT .../healthy re-enable it.

import type { Upstream } from '../../../entities/types.ts';
import { splitHostPort } from '../targets.ts';
import { isServing, newCounters, observe, type AddressCounters, type CheckLimits } from './counters.ts';
import { probe, type ProbeOutcome } from './probe.ts';
import type { HealthOverride, HealthReport, HealthStateSink, HealthTransition, InternalHealth, ProbeAddress } from './types.ts';

/** One upstream as the owner sees it: its config and its current addresses. */
export interface UpstreamProbeSet {
  upstream: Upstream;
  addresses: readonly ProbeAddress[];
}

export interface HealthMonitorOptions {
  publish(transition: HealthTransition): void;
  /** Current upstreams and addresses (re-read on sync() and before every probe round, so DNS changes are seen). */
  targets(): readonly UpstreamProbeSet[];
}

interface TrackedAddress extends AddressCounters {
  targetId: string;
}

type Phase = 'healthy' | 'unhealthy';

interface Watch {
  upstream: Upstream;
  addresses: Map<string, ProbeAddress>;
  counters: Map<string, TrackedAddress>;
  loops: Record<Phase, { timer: NodeJS.Timeout | null; intervalMs: number; running: boolean }>;
}

/** How stale the address list may get between explicit sync() calls. */
const RESYNC_MS = 1000;

const keyOf = (ip: string, port: number): string => `${ip}:${port}`;

export class HealthMonitor implements HealthStateSink {
  private readonly options: HealthMonitorOptions;
  private readonly watches = new Map<string, Watch>();
  private closed = false;
  private syncedAt = -Infinity;

  constructor(options: HealthMonitorOptions) {
    this.options = options;
  }

  /**
   * Reconciles with the current configuration: new upstreams and addresses start healthy,
   * unchanged ones keep their counters (a reload does not forget health), removed ones are
   * forgotten (published back to healthy so workers drop them), probe loops follow the intervals.
   */
  sync(): void {
    if (this.closed) return;
    this.syncedAt = Date.now();
    const seen = new Set<string>();
    for (const set of this.options.targets()) {
      seen.add(set.upstream.id);
      let watch = this.watches.get(set.upstream.id);
      if (watch === undefined) {
        watch = { upstream: set.upstream, addresses: new Map(), counters: new Map(), loops: { healthy: idleLoop(), unhealthy: idleLoop() } };
        this.watches.set(set.upstream.id, watch);
      }
      watch.upstream = set.upstream;
      watch.addresses = new Map(set.addresses.map((a) => [keyOf(a.ip, a.port), a]));
      for (const [key, counters] of watch.counters) {
        if (!watch.addresses.has(key)) this.forget(watch, key, counters);
      }
      this.schedule(watch, 'healthy');
      this.schedule(watch, 'unhealthy');
    }
    for (const [id, watch] of this.watches) {
      if (seen.has(id)) continue;
      this.stopLoops(watch);
      for (const [key, counters] of watch.counters) this.forget(watch, key, counters);
      this.watches.delete(id);
    }
  }

  report(report: HealthReport): void {
    const watch = this.watches.get(report.upstreamId);
    if (watch === undefined || this.closed) return;
    const passive = watch.upstream.healthchecks?.passive;
    if (passive === undefined) return;
    this.observe(watch, report.address, report.targetId, report, passive);
  }

  async setHealth(override: HealthOverride): Promise<void> {
    if (this.closed) return;
    let watch = this.watches.get(override.upstreamId);
    if (watch === undefined) { this.sync(); watch = this.watches.get(override.upstreamId); }
    const state: InternalHealth = override.healthy ? 'healthy' : 'unhealthy';
    const keys: string[] = [];
    if (override.address !== null) {
      const { host, port } = splitHostPort(override.address);
      keys.push(keyOf(host, port));
    } else if (watch !== undefined) {
      for (const [key, address] of watch.addresses) if (address.targetId === override.targetId) keys.push(key);
    }
    for (const address of keys) {
      // Kong's set_target_status: the new state with every counter reset.
      if (watch !== undefined) watch.counters.set(address, { ...newCounters(state), targetId: override.targetId });
      this.options.publish({ upstreamId: override.upstreamId, targetId: override.targetId, address, healthy: override.healthy, state });
    }
  }

  close(): void {
    this.closed = true;
    for (const watch of this.watches.values()) this.stopLoops(watch);
  }

  private observe(watch: Watch, address: string, targetId: string, outcome: ProbeOutcome, limits: CheckLimits): void {
    let counters = watch.counters.get(address);
    if (counters === undefined) {
      counters = { ...newCounters(), targetId };
      watch.counters.set(address, counters);
    }
    const next = observe(counters, outcome, limits);
    if (next === null) return;
    if (next === 'healthy') watch.counters.delete(address);
    this.options.publish({ upstreamId: watch.upstream.id, targetId: counters.targetId, address, healthy: isServing(next), state: next });
  }

  private forget(watch: Watch, key: string, counters: TrackedAddress): void {
    watch.counters.delete(key);
    if (counters.state !== 'healthy') {
      this.options.publish({ upstreamId: watch.upstream.id, targetId: counters.targetId, address: key, healthy: true, state: 'healthy' });
    }
  }

  private schedule(watch: Watch, phase: Phase): void {
    const loop = watch.loops[phase];
    const intervalMs = Math.round((watch.upstream.healthchecks?.active?.[phase]?.interval ?? 0) * 1000);
    if (intervalMs === loop.intervalMs && (loop.timer !== null || loop.running)) return;
    if (loop.timer !== null) { clearTimeout(loop.timer); loop.timer = null; }
    loop.intervalMs = intervalMs;
    // Interval 0 disables this half of the active checks (Kong's default).
    if (intervalMs <= 0 || loop.running || this.closed) return;
    loop.timer = setTimeout(() => { loop.timer = null; void this.round(watch, phase); }, intervalMs);
    loop.timer.unref();
  }

  /** Probes every address currently in `phase` (healthy + mostly_healthy, or the others). */
  private async round(watch: Watch, phase: Phase): Promise<void> {
    const loop = watch.loops[phase];
    loop.running = true;
    try {
      // Picks up DNS changes between config versions; bounded so many upstreams with short
      // intervals do not re-read everything on every round.
      if (Date.now() - this.syncedAt >= RESYNC_MS) this.sync();
      if (this.closed || this.watches.get(watch.upstream.id) !== watch) return;
      const active = watch.upstream.healthchecks.active;
      const due = [...watch.addresses].filter(([key]) => {
        return isServing(watch.counters.get(key)?.state ?? 'healthy') === (phase === 'healthy');
      });
      await runBounded(due, Math.max(1, active.concurrency ?? 10), async ([key, address]) => {
        const outcome = await probe(address, active);
        if (!this.closed && this.watches.get(watch.upstream.id) === watch) this.observe(watch, key, address.targetId, outcome, active);
      });
    } finally {
      loop.running = false;
      loop.intervalMs = -1;
      this.schedule(watch, phase);
    }
  }

  private stopLoops(watch: Watch): void {
    for (const loop of Object.values(watch.loops)) {
      if (loop.timer !== null) clearTimeout(loop.timer);
      loop.timer = null;
    }
  }
}

function idleLoop(): Watch['loops'][Phase] {
  return { timer: null, intervalMs: 0, running: false };
}

/** Runs `work` over `items` with at most `limit` at a time (healthchecks.active.concurrency). */
async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
