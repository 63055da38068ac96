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
import { activeTargets, dnsTargetAddresses, ipTargetAddresses } from './targets.ts';
import type { ActiveTarget, Address } from './targets.ts';
import type { Balancer, BalancerOptions, Peer } from './types.ts';

/** Kong schedules a re-query at least 0.5 s out so ttl=0 names do not spin (schedule_dns_renewal). */
const MIN_RECHECK_MS = 500;
/** A name that failed is asked again after this long (the cache answers from its negative entry meanwhile). */
const ERROR_RECHECK_MS = 1000;

interface TargetState {
  readonly target: ActiveTarget;
  addresses: Address[];
  answer: DnsAnswer | null;
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
    checkAt: target.isIp ? Infinity : 0,
  }));
  let nextCheckAt = Infinity;
  let closed = false;

  function rebuild(): void {
    algorithm.rebuild(states.flatMap((s) => s.addresses));
  }

  function scheduleNext(): void {
    nextCheckAt = Infinity;
    for (const s of states) if (s.checkAt < nextCheckAt) nextCheckAt = s.checkAt;
  }

  function applyAnswer(state: TargetState, answer: DnsAnswer): void {
    if (closed) return;
    state.checkAt = Math.max(answer.expiresAt, now() + MIN_RECHECK_MS);
    if (answer !== state.answer) {
      state.answer = answer;
      state.addresses = dnsTargetAddresses(upstream, state.target, answer.records);
      rebuild();
    }
    scheduleNext();
  }

  function applyError(state: TargetState): void {
    if (closed) return;
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
    } catch {
      applyError(state);
      return null;
    }
    if (result instanceof Promise) {
      state.checkAt = Infinity;
      return result.then((a) => applyAnswer(state, a), () => applyError(state));
    }
    applyAnswer(state, result);
    if (result.expiresAt <= now()) {
      // Served stale: the cache is refreshing in the background; adopt its answer when it lands.
      const pending = cache.pending(state.target.host);
      if (pending) {
        state.checkAt = Infinity;
        scheduleNext();
        pending.then((a) => applyAnswer(state, a), () => applyError(state));
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
    const peer = algorithm.pick(tried, hashInput);
    if (!peer) throw new BalancerError('no_peers');
    return peer;
  }

  const balancer: Balancer = {
    upstream,
    pick(tried, hashInput) {
      if (ready) return ready.then(() => pickNow(tried, hashInput));
      return pickNow(tried, hashInput);
    },
    close() {
      closed = true;
    },
  };
  if (algorithm.onStart) balancer.onStart = algorithm.onStart;
  if (algorithm.onEnd) balancer.onEnd = algorithm.onEnd;
  return balancer;
}
