// Fixed calendar windows in UTC (kong/tools/timestamp.lua get_timestamps) and their lengths
// (kong/plugins/rate-limiting/expiration.lua), shared by rate-limiting and response-ratelimiting. Month windows start on day 1 but Kong computes
// RateLimit-Reset as if every month had 30 days; that is reproduced on purpose.
/** Kong's rate-limiting periods, shortest first. */
export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** Window lengths in seconds; Kong's EXPIRATION table. */
export const EXPIRATION: Readonly<Record<Period, number>> = {
  second: 1, minute: 60, hour: 3600, day: 86400, month: 2592000, year: 31536000,
};

/**
 * The start (ms since the epoch, UTC) of the window of `period` containing `now`.
 * @example
 * windowStart('minute', Date.UTC(2024, 0, 1, 10, 5, 30)); // Date.UTC(2024, 0, 1, 10, 5)
 */
export function windowStart(period: Period, now: number): number {
  const date = new Date(now);
  switch (period) {
    case 'second': return Math.floor(now / 1000) * 1000;
    case 'minute': return Math.floor(now / 60_000) * 60_000;
    case 'hour': return Math.floor(now / 3_600_000) * 3_600_000;
    case 'day': return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    case 'month': return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    case 'year': return Date.UTC(date.getUTCFullYear(), 0, 1);
  }
}

/**
 * The first instant (ms) after the window of `period` that starts at `start`: callers keep
 * start and end and recompute only when `now` leaves them (a Date per request otherwise).
 * @example
 * windowEnd('month', Date.UTC(2024, 1, 1)); // Date.UTC(2024, 2, 1)
 */
export function windowEnd(period: Period, start: number): number {
  const date = new Date(start);
  switch (period) {
    case 'month': return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    case 'year': return Date.UTC(date.getUTCFullYear() + 1, 0, 1);
    default: return start + EXPIRATION[period] * 1000;
  }
}

/**
 * Seconds until the window resets as Kong reports it: window length minus the whole seconds
 * elapsed in it, at least 1.
 * @example
 * resetSeconds('minute', Date.UTC(2024, 0, 1, 10, 5, 30)); // 30
 */
export function resetSeconds(period: Period, now: number): number {
  const elapsed = Math.floor((now - windowStart(period, now)) / 1000);
  return Math.max(1, EXPIRATION[period] - elapsed);
}

/**
 * Kong's validate_periods_order: the first longer period whose limit is below a shorter one's,
 * as `[longer, its limit, shorter, its limit]`, or null when the limits are ordered.
 * @example
 * periodsOutOfOrder({ second: 10, minute: 5 }); // ['minute', 5, 'second', 10]
 */
export function periodsOutOfOrder(limits: Record<string, unknown>): [Period, number, Period, number] | null {
  for (let shorter = 0; shorter < PERIODS.length; shorter++) {
    const low = limits[PERIODS[shorter]!];
    if (typeof low !== 'number') continue;
    for (let longer = shorter + 1; longer < PERIODS.length; longer++) {
      const high = limits[PERIODS[longer]!];
      if (typeof high === 'number' && high < low) return [PERIODS[longer]!, high, PERIODS[shorter]!, low];
    }
  }
  return null;
}
