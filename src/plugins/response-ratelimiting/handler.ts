// response-ratelimiting — kong/plugins/response-ratelimiting/handler.lua: the upstream reports
// what a response cost (`X-Kong-Limit: videos=1, images=3`); access tells the upstream what is
// left (X-RateLimit-Remaining-<name>) and optionally blocks, header_filter adds the client
// headers and answers an empty 429 when a used-up limit is charged again, log adds the costs.
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { EXPIRATION, PERIODS, windowStart, type Period } from '../../pdk/time-windows.ts';
import { addUsage, readUsage, type Counter } from './counters.ts';
import { responseRatelimitingMetrics } from './daos.ts';
import { responseRatelimitingSchema } from './schema.ts';

type Conf = ConfOf<typeof responseRatelimitingSchema>;
const NULL_UUID = '00000000-0000-0000-0000-000000000000';

interface Prepared {
  conf: Conf;
  limits: Array<{ name: string; periods: Array<[Period, number]> }>;
  routeId: string;
  serviceId: string;
}

interface Usage { name: string; period: Period; limit: number; remaining: number; counter: Counter }

function identifierFor(kong: Pdk, conf: Conf): string {
  let identifier: string | undefined;
  if (conf.limit_by === 'consumer') identifier = kong.client.get_consumer()?.id ?? kong.client.get_credential()?.id;
  else if (conf.limit_by === 'credential') identifier = kong.client.get_credential()?.id;
  return identifier ?? kong.client.get_forwarded_ip();
}

/**
 * Kong's parse_header: `name=n` pairs separated by commas; names not configured are ignored.
 * @example
 * parseIncrements('videos=1, images=3', new Set(['videos'])); // Map { 'videos' => 1 }
 */
export function parseIncrements(value: string | undefined, names: ReadonlySet<string>): Map<string, number> {
  const increments = new Map<string, number>();
  for (const pair of (value ?? '').split(',')) {
    const [name, amount] = pair.split('=').map((part) => part.trim());
    const number = Number(amount);
    if (name !== undefined && names.has(name) && amount !== undefined && amount !== '' && Number.isFinite(number)) increments.set(name, number);
  }
  return increments;
}

async function access(kong: Pdk, prepared: Prepared): Promise<void> {
  const { conf } = prepared;
  const now = Date.now();
  const identifier = identifierFor(kong, conf);
  const usage: Usage[] = [];
  for (const { name, periods } of prepared.limits) {
    for (const [period, limit] of periods) {
      const start = windowStart(period, now);
      const key = `response-ratelimit:${prepared.routeId}:${prepared.serviceId}:${identifier}:${start}:${name}:${period}`;
      usage.push({ name, period, limit, remaining: 0, counter: { key, ttlSeconds: EXPIRATION[period], identifier, period, periodDate: start } });
    }
  }
  let values: number[];
  try {
    values = await readUsage(kong, conf.policy, conf.redis, usage.map((entry) => entry.counter));
  } catch (error) {
    if (!conf.fault_tolerant) throw error;
    kong.log.err('failed to get usage: ', error instanceof Error ? error.message : String(error));
    return;
  }
  usage.forEach((entry, index) => { entry.remaining = entry.limit - values[index]!; });
  for (const { name } of prepared.limits) {
    let remaining: number | null = null;
    for (const entry of usage) {
      if (entry.name !== name) continue;
      if (conf.block_on_first_violation && entry.remaining === 0) {
        return kong.response.error(429, `API rate limit exceeded for '${name}'`);
      }
      if (remaining === null || entry.remaining < remaining) remaining = entry.remaining;
    }
    kong.service.request.set_header(`X-RateLimit-Remaining-${name}`, String(remaining));
  }
  kong.ctx.plugin.usage = usage;
}

/** The upstream's cost header as the response carries it (Kong reads ngx.header). */
function responseHeader(kong: Pdk, name: string): string | undefined {
  const value = kong.response.get_header(name);
  return Array.isArray(value) ? value.join(',') : (value ?? undefined);
}

function headerFilter(kong: Pdk, prepared: Prepared): void {
  const { conf } = prepared;
  const names = new Set(prepared.limits.map((limit) => limit.name));
  const increments = parseIncrements(responseHeader(kong, conf.header_name), names);
  kong.response.clear_header(conf.header_name);
  const usage = kong.ctx.plugin.usage as Usage[] | undefined;
  if (usage === undefined) return;
  let stop = false;
  for (const entry of usage) {
    const increment = increments.get(entry.name) ?? 0;
    if (!conf.hide_client_headers) {
      kong.response.set_header(`X-RateLimit-Limit-${entry.name}-${entry.period}`, entry.limit);
      kong.response.set_header(`X-RateLimit-Remaining-${entry.name}-${entry.period}`, Math.max(0, entry.remaining - increment));
    }
    if (increment > 0 && entry.remaining <= 0) stop = true;
  }
  kong.ctx.plugin.increments = increments;
  // Kong answers a bare 429 here: the upstream already did the work, the client gets no body.
  if (stop) kong.response.exit(429);
}

function log(kong: Pdk, prepared: Prepared): void {
  const increments = kong.ctx.plugin.increments as Map<string, number> | undefined;
  const usage = kong.ctx.plugin.usage as Usage[] | undefined;
  if (increments === undefined || usage === undefined) return;
  for (const [name, amount] of increments) {
    const counters = usage.filter((entry) => entry.name === name).map((entry) => entry.counter);
    addUsage(kong, prepared.conf.policy, prepared.conf.redis, counters, amount)
      .catch((error: unknown) => kong.log.err('failed to increment usage: ', error instanceof Error ? error.message : String(error)));
  }
}

export const plugin = definePlugin({
  name: 'response-ratelimiting',
  version: KONG_VERSION,
  priority: 900,
  schema: responseRatelimitingSchema,
  daos: [responseRatelimitingMetrics],
  prepare(conf, _kong, row?: Plugin): Prepared {
    const limits = Object.entries(conf.limits as Record<string, Record<string, unknown>>).map(([name, periods]) => ({
      name,
      periods: PERIODS.flatMap((period): Array<[Period, number]> => (typeof periods[period] === 'number' ? [[period, periods[period]]] : [])),
    }));
    return { conf, limits, routeId: row?.route?.id ?? NULL_UUID, serviceId: row?.service?.id ?? NULL_UUID };
  },
  access,
  header_filter: headerFilter,
  log,
});
