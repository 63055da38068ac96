// datadog — kong/plugins/datadog/handler.lua: queued entries become DogStatsD lines over UDP:
// `<prefix>.<stat>:<value>|<type>[|@<rate>]|#<name tag>:<service>,<status tag>:<code>
// [,<consumer tag>:<id>][,<metric tags>]`. The agent address falls back to the
// KONG_DATADOG_AGENT_HOST / KONG_DATADOG_AGENT_PORT environment variables.
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, LogQueue, sendDatagram, type ConfOf } from '../../pdk/index.ts';
import { datadogSchema } from './schema.ts';
import { ENTRY_METRICS, type LogEntry } from '../../pdk/log-metrics.ts';

type DatadogConf = ConfOf<typeof datadogSchema>;
type Entry = LogEntry;

const TYPE_SUFFIX: Record<string, string> = { counter: 'c', gauge: 'g', histogram: 'h', meter: 'm', set: 's', timer: 'ms', distribution: 'd' };
const queues = new Map<string, LogQueue<Entry>>();

function consumerId(entry: Entry, kind: string | null): string | null {
  const consumer = entry.consumer as Entry | undefined;
  if (!consumer) return null;
  const value = kind === 'consumer_id' ? consumer.id : kind === 'username' ? consumer.username : consumer.custom_id;
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * DogStatsD lines for one entry.
 * @example
 * datadogLines(conf, kong.log.serialize()); // ['kong.request.count:1|c|#name:svc,status:200,app:kong']
 */
export function datadogLines(conf: DatadogConf, entry: Entry): string[] {
  const service = entry.service as Entry | undefined;
  const serviceName = service ? String(service.name ?? service.host ?? '').replace(/\./g, '_') : '';
  const lines: string[] = [];
  for (const metric of conf.metrics) {
    const stat = ENTRY_METRICS[metric.name];
    if (stat === undefined) continue;
    const value = stat[1](entry);
    if (typeof value !== 'number' || value < 0) continue;
    const tags = [`${conf.service_name_tag}:${serviceName}`, `${conf.status_tag}:${entry.response?.status ?? ''}`];
    const consumer = consumerId(entry, metric.consumer_identifier);
    if (consumer !== null) tags.push(`${conf.consumer_tag}:${consumer}`);
    tags.push(...(metric.tags ?? []));
    const rate = typeof metric.sample_rate === 'number' && metric.sample_rate !== 1 ? `|@${metric.sample_rate}` : '';
    lines.push(`${conf.prefix}.${stat[0]}:${value}|${TYPE_SUFFIX[metric.stat_type]}${rate}|#${tags.join(',')}`);
  }
  return lines;
}

function agentAddress(conf: DatadogConf): { host: string; port: number } {
  const envPort = Number(process.env.KONG_DATADOG_AGENT_PORT);
  return {
    host: conf.host ?? process.env.KONG_DATADOG_AGENT_HOST ?? 'localhost',
    port: conf.port ?? (Number.isInteger(envPort) && envPort > 0 ? envPort : 8125),
  };
}

function queueFor(conf: DatadogConf): LogQueue<Entry> {
  const key = JSON.stringify(conf);
  let queue = queues.get(key);
  if (queue === undefined) {
    const { host, port } = agentAddress(conf);
    queue = new LogQueue<Entry>({
      ...conf.queue,
      name: conf.queue.name ?? 'datadog',
      handler: async (batch) => {
        for (const entry of batch) for (const line of datadogLines(conf, entry)) await sendDatagram(host, port, line);
      },
    });
    queues.set(key, queue);
  }
  return queue;
}

export const plugin = definePlugin({
  name: 'datadog',
  version: KONG_VERSION,
  priority: 10,
  schema: datadogSchema,
  prepare: (conf) => ({ conf, queue: queueFor(conf) }),
  log(kong, { queue }) {
    queue.enqueue(kong.log.serialize());
  },
});
