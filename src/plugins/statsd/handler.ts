// statsd — kong/plugins/statsd/handler.lua: in the log phase the entry is queued (Kong 3.x queue);
// each batch is turned into Kong's statsd lines and sent over UDP (packed up to
// udp_packet_size) or, with use_tcp, as newline-terminated lines over TCP.
import { connect } from 'node:net';
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, LogQueue, sendDatagram } from '../../pdk/index.ts';
import { packLines, statsdLines, statusAllowed, type StatsdConf } from './metrics.ts';
import { statsdSchema } from './schema.ts';

const queues = new Map<string, LogQueue<Record<string, unknown>>>();

function sendTcp(host: string, port: number, payload: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.end(payload, () => resolve()));
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

/**
 * Sends one batch of entries as statsd lines.
 * @example
 * await sendEntries(conf, [kong.log.serialize()]);
 */
export async function sendEntries(conf: StatsdConf, entries: readonly Record<string, unknown>[]): Promise<void> {
  const lines = entries.flatMap((entry) => statsdLines(conf, entry));
  if (lines.length === 0) return;
  if (conf.use_tcp) {
    await sendTcp(conf.host, conf.port, `${lines.join('\n')}\n`);
    return;
  }
  for (const packet of packLines(lines, conf.udp_packet_size)) await sendDatagram(conf.host, conf.port, packet);
}

function queueFor(conf: StatsdConf): LogQueue<Record<string, unknown>> {
  const key = JSON.stringify(conf);
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = new LogQueue({ ...conf.queue, name: conf.queue.name ?? 'statsd', handler: (batch) => sendEntries(conf, batch) });
    queues.set(key, queue);
  }
  return queue;
}

export const plugin = definePlugin({
  name: 'statsd',
  version: KONG_VERSION,
  priority: 11,
  schema: statsdSchema,
  prepare: (conf) => ({ conf, queue: queueFor(conf) }),
  log(kong, { conf, queue }) {
    if (!statusAllowed(conf, kong.response.get_status())) return;
    queue.enqueue(kong.log.serialize());
  },
});
