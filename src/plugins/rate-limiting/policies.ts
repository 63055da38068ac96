// The cluster policy's storage (kong/plugins/rate-limiting/policies/init.lua): ratelimiting_metrics
// rows in the database, read before the check and incremented after it (Kong's upsert
// `value = value + 1` in a timer). The local policy lives in kong.counters, the redis policy in
// redis-batch.ts (synchronous) and redis-sync.ts (sync_rate).
import { createHash } from 'node:crypto';
import type { Pdk } from '../../pdk/index.ts';
import type { Period } from './schema.ts';
import { EXPIRATION } from '../../pdk/time-windows.ts';

/**
 * One configured period of one request: its counter identity and limit.
 * @example
 * const window: Window = { period: 'minute', start: 1700000000000, limit: 10, key: 'ratelimit:…' };
 */
export interface Window {
  period: Period;
  start: number;
  limit: number;
  key: string;
}

/**
 * Whose counters a cluster row belongs to.
 * @example
 * const scope: CounterScope = { routeId, serviceId, identifier };
 */
export interface CounterScope {
  routeId: string;
  serviceId: string;
  identifier: string;
}

/** A UUID-shaped id derived from the counter key: the same row on every node. */
function metricId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Each window's count in ratelimiting_metrics (0 without a row).
 * @example
 * const usages = await clusterUsage(kong, windows);
 */
export async function clusterUsage(kong: Pdk, windows: readonly Window[]): Promise<number[]> {
  const rows = await Promise.all(windows.map((window) => kong.db.select('ratelimiting_metrics', metricId(window.key))));
  return rows.map((row) => (typeof row?.value === 'number' ? row.value : 0));
}

/**
 * Adds one to every window's row (Kong's upsert `value = value + 1` in a timer).
 * @example
 * void clusterIncrement(kong, scope, windows);
 */
export async function clusterIncrement(kong: Pdk, scope: CounterScope, windows: readonly Window[]): Promise<void> {
  for (const window of windows) {
    const id = metricId(window.key);
    const existing = await kong.db.select('ratelimiting_metrics', id);
    if (existing !== null) {
      await kong.db.update('ratelimiting_metrics', id, { ...existing, value: Number(existing.value ?? 0) + 1 });
      continue;
    }
    await kong.db.insert('ratelimiting_metrics', {
      id, identifier: scope.identifier, period: window.period, period_date: window.start,
      service_id: scope.serviceId, route_id: scope.routeId, value: 1, ttl: EXPIRATION[window.period],
    });
  }
}
