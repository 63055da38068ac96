// The per-address counters of lua-resty-healthcheck (`incr_counter`), which Kong's active and
// passive checks share: a success clears the failure counts, a failure clears the success
// count, each failure kind is compared with its own threshold, and a threshold of 0 turns that
// counter off (the report is ignored entirely, so it clears nothing either). Reaching a
// threshold flips the address and zeroes every counter.

import type { HealthcheckCounters } from '../../../entities/types.ts';
import type { InternalHealth, PassiveOutcome } from './types.ts';

export interface AddressCounters {
  state: InternalHealth;
  successes: number;
  httpFailures: number;
  tcpFailures: number;
  timeouts: number;
}

/** The thresholds of one check source (`healthchecks.active` or `healthchecks.passive`). */
export interface CheckLimits {
  healthy: HealthcheckCounters;
  unhealthy: HealthcheckCounters;
}

export function newCounters(state: InternalHealth = 'healthy'): AddressCounters {
  return { state, successes: 0, httpFailures: 0, tcpFailures: 0, timeouts: 0 };
}

export function isServing(state: InternalHealth): boolean {
  return state === 'healthy' || state === 'mostly_healthy';
}

type Counted = 'successes' | 'httpFailures' | 'tcpFailures' | 'timeouts';

/**
 * Applies one outcome; returns the new state when it changed, else null. An HTTP status in
 * neither list is ignored, as Kong's report_http_status does.
 */
export function observe(counters: AddressCounters, outcome: PassiveOutcome | { kind: 'success' }, limits: CheckLimits): InternalHealth | null {
  let counter: Counted;
  let limit: number;
  if (outcome.kind === 'success') {
    counter = 'successes';
    limit = limits.healthy.successes ?? 0;
  } else if (outcome.kind === 'http_status') {
    if (limits.healthy.http_statuses?.includes(outcome.status)) {
      counter = 'successes';
      limit = limits.healthy.successes ?? 0;
    } else if (limits.unhealthy.http_statuses?.includes(outcome.status)) {
      counter = 'httpFailures';
      limit = limits.unhealthy.http_failures ?? 0;
    } else {
      return null;
    }
  } else if (outcome.kind === 'tcp_failure') {
    counter = 'tcpFailures';
    limit = limits.unhealthy.tcp_failures ?? 0;
  } else {
    counter = 'timeouts';
    limit = limits.unhealthy.timeouts ?? 0;
  }
  if (limit <= 0) return null;
  const success = counter === 'successes';
  // Nothing to count towards a state the address is already fully in.
  if (success && counters.state === 'healthy') return null;
  if (!success && counters.state === 'unhealthy') return null;
  if (success) {
    counters.httpFailures = 0;
    counters.tcpFailures = 0;
    counters.timeouts = 0;
  } else {
    counters.successes = 0;
  }
  counters[counter] += 1;
  let next: InternalHealth | null = null;
  if (counters[counter] >= limit) next = success ? 'healthy' : 'unhealthy';
  else if (success && counters.state === 'unhealthy') next = 'mostly_unhealthy';
  else if (!success && counters.state === 'healthy') next = 'mostly_healthy';
  if (next === null || next === counters.state) return null;
  if (next === 'healthy' || next === 'unhealthy') {
    counters.successes = 0;
    counters.httpFailures = 0;
    counters.tcpFailures = 0;
    counters.timeouts = 0;
  }
  counters.state = next;
  return next;
}

/**
 * Whether a worker needs to send this passive outcome to the owner at all: the same early
 * exits as observe() (counter off, already fully in that state), decided from the worker's
 * table, so healthy traffic to a healthy address costs no message.
 */
export function worthReporting(state: InternalHealth, outcome: PassiveOutcome, limits: CheckLimits): boolean {
  let success: boolean;
  let limit: number;
  if (outcome.kind === 'http_status') {
    if (limits.healthy.http_statuses?.includes(outcome.status)) { success = true; limit = limits.healthy.successes ?? 0; }
    else if (limits.unhealthy.http_statuses?.includes(outcome.status)) { success = false; limit = limits.unhealthy.http_failures ?? 0; }
    else return false;
  } else {
    success = false;
    limit = (outcome.kind === 'tcp_failure' ? limits.unhealthy.tcp_failures : limits.unhealthy.timeouts) ?? 0;
  }
  if (limit <= 0) return false;
  return success ? state !== 'healthy' : state !== 'unhealthy';
}
