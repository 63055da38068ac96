// rate-limiting — kong/plugins/rate-limiting/handler.lua: counts requests per identifier in
// fixed calendar windows, tells the client its quota (X-RateLimit-*, RateLimit-*) and answers
// Kong's error (429 "API rate limit exceeded", Retry-After) once a window is used up.
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { definePlugin, InProcessCounters, type CounterSlot, type Pdk } from '../../pdk/index.ts';
import { ratelimitingMetrics } from './daos.ts';
import { clusterIncrement, clusterUsage, type Window } from './policies.ts';
import { NULL_UUID, prepareLimits, refreshKeys, resetAt, type Prepared, type RateLimitingConf } from './prepared.ts';
import { redisIncrementsFor } from './redis-batch.ts';
import { syncedCountersFor } from './redis-sync.ts';
import { rateLimitingSchema } from './schema.ts';

export { NULL_UUID } from './prepared.ts';

const ERROR_LOG_INTERVAL_MS = 10_000;

/** Kong's get_identifier: the configured source, falling back to the client IP when absent. */
export function identifierFor(kong: Pdk, conf: RateLimitingConf): string {
  let identifier: string | null | undefined;
  switch (conf.limit_by) {
    case 'consumer': identifier = kong.client.get_consumer()?.id ?? kong.client.get_credential()?.id; break;
    case 'credential': identifier = kong.client.get_credential()?.id; break;
    case 'service': identifier = kong.router.get_service()?.id; break;
    case 'header': {
      const value = conf.header_name == null ? undefined : kong.request.get_header(conf.header_name);
      identifier = Array.isArray(value) ? value[0] : value;
      break;
    }
    case 'path': identifier = kong.request.get_path() === conf.path ? conf.path : undefined; break;
  }
  return identifier == null || identifier === '' ? kong.client.get_forwarded_ip() : identifier;
}

let lastErrorLog = 0;
function logUsageError(log: Pdk['log'], error: unknown, prefix = 'failed to get usage: '): void {
  // A Redis outage would otherwise log once per request; Kong-style line, at most once per interval.
  const now = Date.now();
  if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
  lastErrorLog = now;
  log.err(prefix, error instanceof Error ? error.message : String(error));
}

/**
 * Kong's check and headers, given each period's usage before this request. `rejected`: the
 * policy already refused the request (local's atomic step). Returns whether the request stopped.
 */
function decide(kong: Pdk, prepared: Prepared, usages: readonly number[], rejected: boolean, now: number): boolean {
  const { conf, count, limits } = prepared;
  let stop = -1;
  for (let index = 0; index < count; index++) {
    if (limits[index]! - usages[index]! <= 0) { stop = index; break; }
  }
  if (rejected && stop < 0) stop = 0;
  if (conf.hide_client_headers) {
    if (stop >= 0) kong.response.error(conf.error_code, conf.error_message);
    return stop >= 0;
  }
  // The most restrictive period (lowest remaining, ties to the longer window) is the one
  // RateLimit-* describe; a period that did not stop the request is not decremented.
  const { lengths, remainings } = prepared;
  let best = 0;
  let bestRemaining = Infinity;
  for (let index = 0; index < count; index++) {
    let remaining = limits[index]! - usages[index]!;
    if (stop < 0 || stop === index) remaining -= 1;
    if (remaining < 0) remaining = 0;
    remainings[index] = remaining;
    if (remaining < bestRemaining || (remaining === bestRemaining && lengths[index]! > lengths[best]!)) {
      best = index;
      bestRemaining = remaining;
    }
  }
  const reset = resetAt(prepared, best, now);
  if (stop >= 0) {
    const headers: Record<string, string | number> = {
      'RateLimit-Limit': prepared.limitTexts[best]!, 'RateLimit-Remaining': bestRemaining, 'RateLimit-Reset': reset,
    };
    for (let index = 0; index < count; index++) {
      headers[prepared.limitHeaders[index]!] = prepared.limitTexts[index]!;
      headers[prepared.remainingHeaders[index]!] = remainings[index]!;
    }
    headers['Retry-After'] = reset;
    kong.response.error(conf.error_code, conf.error_message, headers);
    return true;
  }
  const response = kong.response;
  response.set_header('RateLimit-Limit', prepared.limitTexts[best]!);
  response.set_header('RateLimit-Remaining', bestRemaining);
  response.set_header('RateLimit-Reset', reset);
  for (let index = 0; index < count; index++) {
    response.set_header(prepared.limitHeaders[index]!, prepared.limitTexts[index]!);
    response.set_header(prepared.remainingHeaders[index]!, remainings[index]!);
  }
  return false;
}

/**
 * Waits for a policy's usages, then decides; a store failure follows fault_tolerant. Returns
 * whether the request stopped, null when the usage is unknown (fault_tolerant let it pass).
 */
async function decideAfter(kong: Pdk, prepared: Prepared, pending: Promise<readonly number[]>, now: number): Promise<boolean | null> {
  let usages;
  try {
    usages = await pending;
  } catch (error) {
    // fault_tolerant=false: Kong raises, which the client sees as a 500.
    if (!prepared.conf.fault_tolerant) throw error;
    logUsageError(kong.log, error);
    return null;
  }
  return decide(kong, prepared, usages, false, now);
}

/** The node's counters in the primary: one IPC call for the atomic check-and-take. */
async function sharedLocalAccess(kong: Pdk, prepared: Prepared, slots: CounterSlot[], now: number): Promise<void> {
  let result;
  try {
    result = await kong.counters.acquire(slots);
  } catch (error) {
    if (!prepared.conf.fault_tolerant) throw error;
    logUsageError(kong.log, error);
    return;
  }
  decide(kong, prepared, result.usages, !result.admitted, now);
}

/** local: the node's counters, checked and taken in one atomic step (exact per node). */
function localAccess(kong: Pdk, prepared: Prepared, now: number): void | Promise<unknown> {
  const counters = kong.counters;
  if (counters instanceof InProcessCounters) {
    // This process owns the node's counters: no await, no allocation.
    const admitted = counters.takeNow(prepared.keys, prepared.limits, prepared.lengths, prepared.count, prepared.usages);
    decide(kong, prepared, prepared.usages, !admitted, now);
    return;
  }
  const slots: CounterSlot[] = [];
  for (let index = 0; index < prepared.count; index++) {
    slots.push({ key: prepared.keys[index]!, limit: prepared.limits[index]!, ttlSeconds: prepared.lengths[index]! });
  }
  return sharedLocalAccess(kong, prepared, slots, now);
}

/** redis (sync_rate -1): the read counts, one coalesced script call per key (redis-batch.ts). */
function redisAccess(kong: Pdk, prepared: Prepared, now: number): Promise<unknown> {
  const increments = prepared.redis;
  if (increments !== null && increments.client.status !== 'end') {
    return decideAfter(kong, prepared, increments.add(prepared.keys, prepared.lengths, prepared.count), now);
  }
  const keys = prepared.keys.slice(0, prepared.count);
  const connected = redisIncrementsFor(prepared.conf.redis).then((created) => {
    prepared.redis = created;
    return created.add(keys, prepared.lengths, prepared.count);
  });
  return decideAfter(kong, prepared, connected, now);
}

/** redis with sync_rate: counted in this process between syncs (redis-sync.ts). */
function syncedAccess(kong: Pdk, prepared: Prepared, now: number): void | Promise<unknown> {
  const known = prepared.synced;
  if (known !== null && known.client.status !== 'end') {
    const admitted = known.take(prepared.keys, prepared.limits, prepared.count, prepared.usages);
    if (admitted !== null) {
      decide(kong, prepared, prepared.usages, !admitted, now);
      return;
    }
  }
  const count = prepared.count;
  const keys = prepared.keys.slice(0, count);
  const ends = prepared.ends.slice(0, count);
  const onError = (error: Error): void => logUsageError(prepared.log, error, 'failed to sync counters to redis: ');
  const loaded = (async () => {
    const counters = known !== null && known.client.status !== 'end' ? known : await syncedCountersFor(prepared.conf.redis, prepared.syncRate!, onError);
    prepared.synced = counters;
    const usages = new Array<number>(count);
    // A sync may drop a counter between its read and this request's turn: then read it again.
    for (;;) {
      await counters.load(keys, ends, count);
      const admitted = counters.take(keys, prepared.limits, count, usages);
      // Not admitted means some usage reached its limit, which decide sees in the usages.
      if (admitted !== null) return usages;
    }
  })();
  return decideAfter(kong, prepared, loaded, now);
}

/** cluster: rows in kong.db, read before and incremented after the check (Kong's timer). */
async function clusterAccess(kong: Pdk, prepared: Prepared, identifier: string, now: number): Promise<void> {
  const windows: Window[] = [];
  for (let index = 0; index < prepared.count; index++) {
    windows.push({ period: prepared.periods[index]!, limit: prepared.limits[index]!, start: prepared.keyStarts[index]!, key: prepared.keys[index]! });
  }
  const stopped = await decideAfter(kong, prepared, clusterUsage(kong, windows), now);
  if (stopped !== false) return;
  // Kong increments after the check in a 0-delay timer; the client does not wait for it.
  const scope = { routeId: prepared.routeId, serviceId: prepared.serviceId, identifier };
  clusterIncrement(kong, scope, windows).catch((error: unknown) => logUsageError(kong.log, error));
}

function access(kong: Pdk, prepared: Prepared): void | Promise<unknown> {
  const now = Date.now();
  const identifier = identifierFor(kong, prepared.conf);
  refreshKeys(prepared, identifier, now);
  switch (prepared.policy) {
    case 'local': return localAccess(kong, prepared, now);
    case 'redis': return prepared.syncRate === null ? redisAccess(kong, prepared, now) : syncedAccess(kong, prepared, now);
    case 'cluster': return clusterAccess(kong, prepared, identifier, now);
  }
}

export const plugin = definePlugin({
  name: 'rate-limiting',
  version: KONG_VERSION,
  priority: 910,
  schema: rateLimitingSchema,
  daos: [ratelimitingMetrics],
  prepare(conf, kong, row?: Plugin): Prepared {
    return prepareLimits(conf, row, kong.log);
  },
  access: access as (kong: Pdk, prepared: Prepared) => void | Promise<void>,
});
