// One balancer per upstream (Kong's ring-balancer): the active targets, their addresses (DNS
// names expanded and kept fresh through the shared DNS cache), and the algorithm that picks.
// The hot path is synchronous: DNS refreshes run in the background and swap addresses in when
// they land; only the very first resolution of a name makes pick() return a promise.

import type { Target, Upstream } from '../../entities/types.ts';
import { createAlgorithm } from './algorithm.ts';
import { cacheFor } from './dns-cache.ts';
import type { DnsAnswer } from './dns-cache.ts';
import { defaultResolver } from './default-resolver.ts';
import { BalancerError } from './errors.ts';
import { isServing, worthReporting } from './health/counters.ts';
import { activeTargets, dnsTargetAddresses, ipTargetAddresses } from './targets.ts';
import type { ActiveTarget, Address } from './targets.ts';
import type { Balancer, BalancerOptions, BalancerStatus, Peer } from './types.ts';

/** Kong schedules a re-query at least 0.5 s out so ttl=0 names do not spin (schedule_dns_renewal). */
const MIN_RECHECK_MS = 500;
/** A name that failed is asked again after this long (the cache answers from its negative entry meanwhile). */
const ERROR_RECHECK_MS = 1000;

interface TargetState {
  readonly target: ActiveTarget;
  addresses: Address[];
  answer: DnsAnswer | null;
  /** Message of the last DNS failure while the target has no addresses. */
  dnsError: string | null;
  /** Epoch ms when the DNS answer should be looked at again; Infinity while a query runs. */
  checkAt: number;
}

export function createBalancer(upstream: Upstream, targets: Target[], options: BalancerOptions = {}): Balancer {
  const now = options.now ?? Date.now;
  const algorithm = createAlgorithm(upstream, now); // throws for an algorithm we do not implement
  const resolver = options.resolver ?? defaultResolver();
  const cache = cacheFor(resolver, options.now);
  const states: TargetState[] = activeTargets(upstream, targets).map((target) => ({
    target,
    addresses: target.isIp ? ipTargetAddresses(upstream, target) : [],
    answer: null,
    dnsError: null,
    checkAt: target.isIp ? Infinity : 0,
  }));
  // Kong's updateStatus(): the balancer is healthy while the available weight share exceeds
  // healthchecks.threshold percent; an unhealthy balancer hands out no peers. Without health
  // checks all weight is available, so only "no weight at all" or threshold 100 trip it.
  const threshold = upstream.healthchecks?.threshold ?? 0;
  const health = options.health;
  let healthy = false;
  let unavailable: ReadonlySet<string> = new Set();
  let nextCheckAt = Infinity;
  let closed = false;

  function rebuild(): void {
    const addresses = states.flatMap((s) => s.addresses);
    let total = 0;
    let available = 0;
    const down = new Set<string>();
    for (const address of addresses) {
      total += address.weight;
      if (health && !isServing(health.source.state(upstream.id, address.key))) down.add(address.key);
      else available += address.weight;
    }
    unavailable = down;
    healthy = available > 0 && (available * 100) / total > threshold;
    if (algorithm.keepsUnavailable || down.size === 0) algorithm.rebuild(addresses, down);
    else algorithm.rebuild(addresses.filter((a) => !down.has(a.key)), down);
  }
  // Health transitions of this upstream arrive from the node's owner; re-read them at once.
  const unsubscribe = health?.source.subscribe(upstream.id, () => { if (!closed) rebuild(); });

  function scheduleNext(): void {
    nextCheckAt = Infinity;
    for (const s of states) if (s.checkAt < nextCheckAt) nextCheckAt = s.checkAt;
  }

  function applyAnswer(state: TargetState, answer: DnsAnswer): void {
    if (closed) return;
    state.checkAt = Math.max(answer.expiresAt, now() + MIN_RECHECK_MS);
    state.dnsError = null;
    if (answer !== state.answer) {
      state.answer = answer;
      state.addresses = dnsTargetAddresses(upstream, state.target, answer.records);
      rebuild();
    }
    scheduleNext();
  }

  function applyError(state: TargetState, error: unknown): void {
    if (closed) return;
    state.dnsError = error instanceof Error ? error.message : String(error);
    // The cache already served the last good answer through its stale window; an error here
    // means there is none, so the target takes no traffic (Kong reports it as DNS_ERROR).
    state.checkAt = now() + ERROR_RECHECK_MS;
    if (state.addresses.length > 0 || state.answer !== null) {
      state.addresses = [];
      state.answer = null;
      rebuild();
    }
    scheduleNext();
  }

  /** Looks the target's name up again; returns a promise only when the cache had nothing. */
  function refresh(state: TargetState): Promise<void> | null {
    let result: DnsAnswer | Promise<DnsAnswer>;
    try {
      result = cache.lookup(state.target.host);
    } catch (error) {
      applyError(state, error);
      return null;
    }
    if (result instanceof Promise) {
      state.checkAt = Infinity;
      return result.then((a) => applyAnswer(state, a), (e: unknown) => applyError(state, e));
    }
    applyAnswer(state, result);
    if (result.expiresAt <= now()) {
      // Served stale: the cache is refreshing in the background; adopt its answer when it lands.
      const pending = cache.pending(state.target.host);
      if (pending) {
        state.checkAt = Infinity;
        scheduleNext();
        pending.then((a) => applyAnswer(state, a), (e: unknown) => applyError(state, e));
      }
    }
    return null;
  }

  function refreshDue(): Promise<void>[] {
    const waits: Promise<void>[] = [];
    const time = now();
    for (const state of states) {
      if (state.checkAt > time) continue;
      const wait = refresh(state);
      if (wait) waits.push(wait);
    }
    scheduleNext();
    return waits;
  }

  rebuild();
  const initial = refreshDue();
  let ready: Promise<void> | null = initial.length > 0 ? Promise.all(initial).then(() => { ready = null; }) : null;

  function pickNow(tried: readonly Peer[], hashInput: string | undefined): Peer {
    if (now() >= nextCheckAt) void refreshDue();
    const peer = healthy ? algorithm.pick(tried, hashInput) : null;
    if (!peer) throw new BalancerError('no_peers');
    return peer;
  }

  const balancer: Balancer = {
    upstream,
    pick(tried, hashInput) {
      if (ready) return ready.then(() => pickNow(tried, hashInput));
      return pickNow(tried, hashInput);
    },
    status() {
      return describe(states, healthy, unavailable);
    },
    probeAddresses() {
      return states.flatMap((s) => s.addresses.map((a) => ({ targetId: s.target.id, ip: a.peer.host, port: a.peer.port, hostname: a.peer.hostname })));
    },
    close() {
      closed = true;
      unsubscribe?.();
    },
  };
  if (algorithm.onStart) balancer.onStart = algorithm.onStart;
  if (algorithm.onEnd) balancer.onEnd = algorithm.onEnd;
  const passive = upstream.healthchecks?.passive;
  if (health && passive && passiveCounts(passive)) {
    const { source, sink } = health;
    balancer.report = (peer, outcome) => {
      if (peer.targetId === null) return;
      const address = `${peer.host}:${peer.port}`;
      if (!worthReporting(source.state(upstream.id, address), outcome, passive)) return;
      sink.report({ ...outcome, upstreamId: upstream.id, targetId: peer.targetId, address });
    };
  }
  return balancer;
}

/** Passive checks with every threshold at 0 count nothing (Kong: "disabled"). */
function passiveCounts(passive: Upstream['healthchecks']['passive']): boolean {
  const { healthy, unhealthy } = passive;
  return (healthy?.successes ?? 0) > 0 || (unhealthy?.http_failures ?? 0) > 0 || (unhealthy?.tcp_failures ?? 0) > 0 || (unhealthy?.timeouts ?? 0) > 0;
}

function summary(total: number, unavailable: number): BalancerStatus['weight'] {
  return { total, unavailable, available: total - unavailable };
}

function describe(states: readonly TargetState[], healthy: boolean, down: ReadonlySet<string>): BalancerStatus {
  let total = 0;
  let unavailableTotal = 0;
  const hosts = states.map((state) => {
    const weight = state.addresses.reduce((sum, a) => sum + a.weight, 0);
    const unavailableWeight = state.addresses.reduce((sum, a) => sum + (down.has(a.key) ? a.weight : 0), 0);
    total += weight;
    unavailableTotal += unavailableWeight;
    const first = state.answer?.records[0];
    const dns = state.dnsError ?? (first === undefined ? (state.target.isIp ? (state.target.host.includes(':') ? 'AAAA' : 'A') : 'unknown')
      : first.port !== undefined ? 'SRV' : first.family === 6 ? 'AAAA' : 'A');
    return {
      targetId: state.target.id,
      host: state.target.host,
      port: state.target.port,
      dns,
      nodeWeight: state.target.weight,
      weight: summary(weight, unavailableWeight),
      addresses: state.addresses.map((a) => ({ ip: a.peer.host, port: a.peer.port, weight: a.weight, healthy: !down.has(a.key) })),
    };
  });
  return { healthy, weight: summary(total, unavailableTotal), hosts };
}
