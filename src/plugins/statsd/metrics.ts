// Kong's statsd metric set (kong/plugins/statsd/log.lua): from one serialized log entry to the
// statsd lines. Without tag_style, names are hierarchical under a scope (`service.<svc>` or
// `global.unmatched`); with a tag_style the entities become tags in that dialect.
import { hostname } from 'node:os';
import type { ConfOf } from '../../pdk/index.ts';
import type { statsdSchema } from './schema.ts';
import { ENTRY_METRICS, type LogEntry } from '../../pdk/log-metrics.ts';

export type StatsdConf = ConfOf<typeof statsdSchema>;
type Entry = LogEntry;
type MetricConf = StatsdConf['metrics'][number];

const STAT_SUFFIX: Record<string, string> = { counter: 'c', gauge: 'g', histogram: 'h', meter: 'm', set: 's', timer: 'ms' };

/** Statsd names may not carry dots inside one component (Kong replaces them with `_`). */
const clean = (value: string): string => value.replace(/\./g, '_');

function consumerIdentifier(entry: Entry, kind: string): string | null {
  const consumer = entry.consumer as Entry | undefined;
  if (!consumer) return null;
  const value = kind === 'consumer_id' ? consumer.id : kind === 'username' ? consumer.username : consumer.custom_id;
  return typeof value === 'string' && value !== '' ? value : null;
}

function serviceIdentifier(entry: Entry, kind: string): string | null {
  const service = entry.service as Entry | undefined;
  if (!service) return null;
  const value = kind === 'service_id' ? service.id : kind === 'service_name' ? service.name : kind === 'service_host' ? service.host : (service.name ?? service.host);
  return typeof value === 'string' && value !== '' ? clean(value) : null;
}

function workspaceIdentifier(entry: Entry, kind: string): string {
  return String(kind === 'workspace_name' ? entry.workspace_name ?? 'default' : entry.workspace ?? '');
}

/** True when no allow-list is set or the status falls inside one of its `from-to` ranges. */
export function statusAllowed(conf: StatsdConf, status: number): boolean {
  const ranges = conf.allow_status_codes;
  if (ranges === null || ranges.length === 0) return true;
  return ranges.some((range) => {
    const [from, to] = range.split('-').map(Number);
    return status >= from! && status <= to!;
  });
}

interface Stat { name: string; value: string | number; type: string; rate: number | null; tags: Array<[string, string]> }


function statsFor(metric: MetricConf, entry: Entry, conf: StatsdConf, tagged: boolean): Stat[] {
  const type = metric.stat_type;
  const rate = metric.sample_rate ?? null;
  const service = serviceIdentifier(entry, metric.service_identifier ?? conf.service_identifier_default);
  const consumer = consumerIdentifier(entry, metric.consumer_identifier ?? conf.consumer_identifier_default);
  const workspace = workspaceIdentifier(entry, metric.workspace_identifier ?? conf.workspace_identifier_default);
  const status = String(entry.response?.status ?? '');
  const routeId = String(entry.route?.id ?? '');
  const scope = service === null ? 'global.unmatched' : `service.${service}`;
  const tags: Array<[string, string]> = tagged
    ? [['service', service ?? ''], ['route', routeId], ['workspace', workspace], ...(consumer === null ? [] : [['consumer', consumer] as [string, string]])]
    : [];
  const stat = (hierarchical: string, taggedName: string, value: string | number, extra: Array<[string, string]> = []): Stat =>
    ({ name: tagged ? taggedName : hierarchical, value, type, rate, tags: [...tags, ...extra] });
  const simple = ENTRY_METRICS[metric.name];
  if (simple !== undefined) {
    const value = simple[1](entry);
    if (typeof value !== 'number' || value < 0) return [];
    return [stat(`${scope}.${simple[0]}`, simple[0], value)];
  }
  switch (metric.name) {
    case 'status_count':
      return [stat(`${scope}.status.${status}`, 'status', 1, [['status', status]])];
    case 'unique_users':
      return consumer === null ? [] : [stat(`${scope}.user.uniques`, 'user.uniques', consumer)];
    case 'request_per_user':
      return consumer === null ? [] : [stat(`${scope}.user.${clean(consumer)}.request.count`, 'user.request.count', 1)];
    case 'status_count_per_user':
      return consumer === null ? [] : [stat(`${scope}.user.${clean(consumer)}.status.${status}`, 'user.status', 1, [['status', status]])];
    case 'status_count_per_workspace':
      return [stat(`${scope}.workspace.${clean(workspace)}.status.${status}`, 'workspace.status', 1, [['status', status]])];
    case 'status_count_per_user_per_route':
      return consumer === null || routeId === '' ? [] : [stat(`route.${routeId}.user.${clean(consumer)}.status.${status}`, 'route.user.status', 1, [['status', status]])];
    default:
      // shdict_usage and the cache_* metrics describe nginx shared dicts, which Portico has not.
      return [];
  }
}

function formatLine(prefix: string, stat: Stat, style: string | null): string {
  const name = `${prefix}.${stat.name}`;
  const kind = STAT_SUFFIX[stat.type] ?? 'c';
  const rate = typeof stat.rate === 'number' && stat.rate !== 1 ? `|@${stat.rate}` : '';
  const tags = stat.tags;
  switch (style) {
    case 'dogstatsd': return `${name}:${stat.value}|${kind}${rate}${tags.length ? `|#${tags.map(([k, v]) => `${k}:${v}`).join(',')}` : ''}`;
    case 'influxdb': return `${name}${tags.map(([k, v]) => `,${k}=${v}`).join('')}:${stat.value}|${kind}${rate}`;
    case 'librato': return `${name}${tags.length ? `#${tags.map(([k, v]) => `${k}=${v}`).join(',')}` : ''}:${stat.value}|${kind}${rate}`;
    case 'signalfx': return `${name}${tags.length ? `[${tags.map(([k, v]) => `${k}=${v}`).join(',')}]` : ''}:${stat.value}|${kind}${rate}`;
    default: return `${name}:${stat.value}|${kind}${rate}`;
  }
}

/**
 * Every statsd line for one log entry.
 * @example
 * statsdLines(conf, kong.log.serialize()); // ['kong.service.svc.request.count:1|c', …]
 */
export function statsdLines(conf: StatsdConf, entry: Entry): string[] {
  const prefix = conf.hostname_in_prefix ? `${conf.prefix}.node.${clean(hostname())}` : conf.prefix;
  const tagged = conf.tag_style !== null;
  const lines: string[] = [];
  for (const metric of conf.metrics) {
    for (const stat of statsFor(metric, entry, conf, tagged)) lines.push(formatLine(prefix, stat, conf.tag_style));
  }
  return lines;
}

/**
 * Packs lines into packets of at most `size` bytes (0: one line per packet), newline-separated.
 * @example
 * packLines(['a:1|c', 'b:1|c'], 100); // ['a:1|c\nb:1|c']
 */
export function packLines(lines: readonly string[], size: number): string[] {
  if (size <= 0) return [...lines];
  const packets: string[] = [];
  let current = '';
  for (const line of lines) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (Buffer.byteLength(candidate) > size && current !== '') {
      packets.push(current);
      current = line;
    } else {
      current = candidate;
    }
  }
  if (current !== '') packets.push(current);
  return packets;
}
