// What rate-limiting works out once per plugin config instead of once per request: the
// configured periods as parallel arrays, Kong's header names and limit texts, the counter key
// prefix, and caches for the current windows and the last keys built from them (a burst from one
// client reuses the same key strings, whose hashes V8 has already computed).
import type { Plugin } from '../../entities/types.ts';
import type { ConfOf, PluginLog } from '../../pdk/index.ts';
import { EXPIRATION, PERIODS, windowEnd, windowStart, type Period } from '../../pdk/time-windows.ts';
import type { RedisIncrements } from './redis-batch.ts';
import type { SyncedRedisCounters } from './redis-sync.ts';
import type { rateLimitingSchema } from './schema.ts';

export type RateLimitingConf = ConfOf<typeof rateLimitingSchema>;

/** Kong's conf.route_id / conf.service_id when the plugin is not scoped to one. */
export const NULL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * One plugin config, ready for the request path. Arrays are indexed by configured period,
 * shortest first; `keys`, `usages` and `remainings` are scratch space that one request fills
 * and reads without yielding in between.
 * @example
 * const prepared = prepareLimits(conf, row, kong.log);
 */
export interface Prepared {
  conf: RateLimitingConf;
  policy: 'local' | 'cluster' | 'redis';
  /** Seconds between syncs when the redis policy counts locally (sync_rate); null = synchronous. */
  syncRate: number | null;
  count: number;
  periods: Period[];
  limits: number[];
  limitTexts: string[];
  /** Window lengths in seconds (Kong's EXPIRATION). */
  lengths: number[];
  limitHeaders: string[];
  remainingHeaders: string[];
  routeId: string;
  serviceId: string;
  keyPrefix: string;
  keySuffixes: string[];
  /** The current window of each period, [start, end) in ms. */
  starts: number[];
  ends: number[];
  /** The counter key of each period, valid for keyIdentifiers[i] in the window keyStarts[i]. */
  keys: string[];
  keyIdentifiers: string[];
  keyStarts: number[];
  usages: number[];
  remainings: number[];
  redis: RedisIncrements | null;
  synced: SyncedRedisCounters | null;
  /** The node-level logger, for failures outside a request (sync_rate flushes). */
  log: PluginLog;
}

const capitalized = (period: Period): string => period[0]!.toUpperCase() + period.slice(1);

/**
 * Builds the per-config state.
 * @example
 * prepare(conf, kong, row) { return prepareLimits(conf, row, kong.log); }
 */
export function prepareLimits(conf: RateLimitingConf, row: Plugin | undefined, log: PluginLog): Prepared {
  const periods: Period[] = [];
  const limits: number[] = [];
  for (const period of PERIODS) {
    const limit = conf[period];
    if (typeof limit === 'number') {
      periods.push(period);
      limits.push(limit);
    }
  }
  const routeId = row?.route?.id ?? NULL_UUID;
  const serviceId = row?.service?.id ?? NULL_UUID;
  const policy = conf.policy as Prepared['policy'];
  const syncRate = policy === 'redis' && typeof conf.sync_rate === 'number' && conf.sync_rate >= 0 ? conf.sync_rate : null;
  const count = periods.length;
  return {
    conf, policy, syncRate, count, periods, limits,
    limitTexts: limits.map(String),
    lengths: periods.map((period) => EXPIRATION[period]),
    limitHeaders: periods.map((period) => `X-RateLimit-Limit-${capitalized(period)}`),
    remainingHeaders: periods.map((period) => `X-RateLimit-Remaining-${capitalized(period)}`),
    routeId, serviceId,
    keyPrefix: `ratelimit:${routeId}:${serviceId}:`,
    keySuffixes: periods.map((period) => `:${period}`),
    starts: new Array<number>(count).fill(0),
    ends: new Array<number>(count).fill(0),
    keys: new Array<string>(count).fill(''),
    keyIdentifiers: new Array<string>(count).fill(''),
    keyStarts: new Array<number>(count).fill(-1),
    usages: new Array<number>(count).fill(0),
    remainings: new Array<number>(count).fill(0),
    redis: null,
    synced: null,
    log,
  };
}

/**
 * Brings `prepared.keys` to this request: the windows containing `now` and Kong's counter key
 * `ratelimit:<route>:<service>:<identifier>:<window start ms>:<period>` for each period.
 * @example
 * refreshKeys(prepared, '10.0.0.1', Date.now()); prepared.keys[0]; // 'ratelimit:…:second'
 */
export function refreshKeys(prepared: Prepared, identifier: string, now: number): void {
  const { starts, ends, keyStarts, keyIdentifiers } = prepared;
  for (let index = 0; index < prepared.count; index++) {
    let start = starts[index]!;
    if (now >= ends[index]! || now < start) {
      const period = prepared.periods[index]!;
      start = windowStart(period, now);
      starts[index] = start;
      ends[index] = windowEnd(period, start);
    }
    if (keyStarts[index] !== start || keyIdentifiers[index] !== identifier) {
      prepared.keys[index] = prepared.keyPrefix + identifier + ':' + start + prepared.keySuffixes[index]!;
      keyStarts[index] = start;
      keyIdentifiers[index] = identifier;
    }
  }
}

/**
 * Kong's RateLimit-Reset for one period at `now`: the window length minus the whole seconds
 * elapsed in it, at least 1 (month windows count 30 days, as Kong's).
 * @example
 * resetAt(prepared, 0, Date.now()); // 1 for a second window
 */
export function resetAt(prepared: Prepared, index: number, now: number): number {
  const start = prepared.starts[index]!;
  // After an await another request may have moved the cached window on; recompute then.
  const windowStartMs = now >= start && now < prepared.ends[index]! ? start : windowStart(prepared.periods[index]!, now);
  return Math.max(1, prepared.lengths[index]! - Math.floor((now - windowStartMs) / 1000));
}
