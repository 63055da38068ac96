// rate-limiting — kong/plugins/rate-limiting/handler.lua: counts requests per identifier in
// fixed calendar windows, tells the client its quota (X-RateLimit-*, RateLimit-*) and answers
// Kong's error (429 "API rate limit exceeded", Retry-After) once a window is used up.
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { ratelimitingMetrics } from './daos.ts';
import { clusterIncrement, usageFor, type CounterScope, type Window } from './policies.ts';
import { PERIODS, rateLimitingSchema, type Period } from './schema.ts';
import { EXPIRATION, resetSeconds, windowStart } from '../../pdk/time-windows.ts';

type RateLimitingConf = ConfOf<typeof rateLimitingSchema>;

/** Kong's conf.route_id / conf.service_id when the plugin is not scoped to one. */
export const NULL_UUID = '00000000-0000-0000-0000-000000000000';
const ERROR_LOG_INTERVAL_MS = 10_000;

interface Prepared {
  conf: RateLimitingConf;
  limits: ReadonlyArray<readonly [Period, number]>;
  routeId: string;
  serviceId: string;
}

const capitalized = (period: Period): string => period[0]!.toUpperCase() + period.slice(1);
const LIMIT_HEADERS = Object.fromEntries(PERIODS.map((period) => [period, `X-RateLimit-Limit-${capitalized(period)}`])) as Record<Period, string>;
const REMAINING_HEADERS = Object.fromEntries(PERIODS.map((period) => [period, `X-RateLimit-Remaining-${capitalized(period)}`])) as Record<Period, string>;

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
function logUsageError(kong: Pdk, error: unknown): void {
  // A Redis outage would otherwise log once per request; Kong-style line, at most once per interval.
  const now = Date.now();
  if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
  lastErrorLog = now;
  kong.log.err('failed to get usage: ', error instanceof Error ? error.message : String(error));
}

async function access(kong: Pdk, prepared: Prepared): Promise<void> {
  const { conf } = prepared;
  const now = Date.now();
  const identifier = identifierFor(kong, conf);
  const windows: Window[] = prepared.limits.map(([period, limit]) => {
    const start = windowStart(period, now);
    return { period, limit, start, key: `ratelimit:${prepared.routeId}:${prepared.serviceId}:${identifier}:${start}:${period}` };
  });
  const scope: CounterScope = {
    routeId: prepared.routeId, serviceId: prepared.serviceId, identifier, policy: conf.policy as CounterScope['policy'], redis: conf.redis,
  };
  let result;
  try {
    result = await usageFor(kong, windows, scope);
  } catch (error) {
    // fault_tolerant=false: Kong raises, which the client sees as a 500.
    if (!conf.fault_tolerant) throw error;
    logUsageError(kong, error);
    return;
  }
  let stop: number | null = null;
  windows.forEach((window, index) => {
    if (window.limit - result.usages[index]! <= 0 && stop === null) stop = index;
  });
  if (result.admitted === false && stop === null) stop = 0;

  const headers: Record<string, string | number> = {};
  let reset = 0;
  if (!conf.hide_client_headers) {
    let best: { remaining: number; window: number } | null = null;
    windows.forEach((window, index) => {
      let remaining = window.limit - result.usages[index]!;
      if (stop === null || stop === index) remaining -= 1;
      remaining = Math.max(0, remaining);
      const length = EXPIRATION[window.period];
      if (best === null || remaining < best.remaining || (remaining === best.remaining && length > best.window)) {
        best = { remaining, window: length };
        headers['RateLimit-Limit'] = window.limit;
        headers['RateLimit-Remaining'] = remaining;
        reset = resetSeconds(window.period, now);
        headers['RateLimit-Reset'] = reset;
      }
      headers[LIMIT_HEADERS[window.period]] = window.limit;
      headers[REMAINING_HEADERS[window.period]] = remaining;
    });
  }
  if (stop !== null) {
    if (!conf.hide_client_headers) headers['Retry-After'] = reset;
    return kong.response.error(conf.error_code, conf.error_message, headers);
  }
  if (!conf.hide_client_headers) kong.response.set_headers(headers);
  if (conf.policy === 'cluster') {
    // Kong increments after the check in a 0-delay timer; the client does not wait for it.
    clusterIncrement(kong, scope, windows).catch((error: unknown) => logUsageError(kong, error));
  }
}

export const plugin = definePlugin({
  name: 'rate-limiting',
  version: KONG_VERSION,
  priority: 910,
  schema: rateLimitingSchema,
  daos: [ratelimitingMetrics],
  prepare(conf, _kong, row?: Plugin): Prepared {
    const limits: Array<readonly [Period, number]> = [];
    for (const period of PERIODS) {
      const limit = conf[period];
      if (typeof limit === 'number') limits.push([period, limit]);
    }
    return { conf, limits, routeId: row?.route?.id ?? NULL_UUID, serviceId: row?.service?.id ?? NULL_UUID };
  },
  access,
});
