// http-log — kong/plugins/http-log/handler.lua: every request's serialized entry goes through a
// queue (one per distinct config, like Kong's queue keyed by the plugin conf) and is POSTed as
// one JSON object when max_batch_size is 1, otherwise as a JSON array. A status >= 300 or a
// network error fails the batch and the queue retries it. TLS is not verified (as in Kong).
import { Agent, request } from 'undici';
import { applyCustomFields, definePlugin, LogQueue, type ConfOf } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import { httpLogSchema } from './schema.ts';

type HttpLogConf = ConfOf<typeof httpLogSchema>;

interface Sender {
  queue: LogQueue<Record<string, unknown>>;
}

// Queues outlive config versions: an unchanged config keeps its queue (and its entries).
const senders = new Map<string, Sender>();

/** The request head: userinfo turns into Basic auth, custom headers are added as given. */
function buildHeaders(conf: HttpLogConf, url: URL, length: number): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': conf.content_type,
    'content-length': String(length),
    host: url.host,
  };
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  for (const [name, value] of Object.entries(conf.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * One batch as Kong's http-log sends it.
 * @example
 * await sendBatch(conf, agent, [entry]);
 */
export async function sendBatch(conf: HttpLogConf, agent: Agent, batch: readonly Record<string, unknown>[]): Promise<void> {
  const url = new URL(conf.http_endpoint);
  const payload = conf.queue.max_batch_size === 1 && batch.length === 1 ? JSON.stringify(batch[0]) : JSON.stringify(batch);
  const body = Buffer.from(payload);
  const target = new URL(url.href);
  target.username = '';
  target.password = '';
  const response = await request(target, {
    method: conf.method as 'POST' | 'PUT' | 'PATCH',
    headers: buildHeaders(conf, url, body.length),
    body,
    dispatcher: agent,
    headersTimeout: conf.timeout,
    bodyTimeout: conf.timeout,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) {
    throw new Error(`request to ${url.host} returned status code ${response.statusCode} and body ${text}`);
  }
}

function senderFor(conf: HttpLogConf): Sender {
  const key = JSON.stringify(conf);
  let sender = senders.get(key);
  if (sender === undefined) {
    const agent = new Agent({
      keepAliveTimeout: Math.max(1, conf.keepalive),
      connectTimeout: conf.timeout,
      connect: { rejectUnauthorized: false },
    });
    const queue = new LogQueue<Record<string, unknown>>({
      ...queueParameters(conf),
      name: conf.queue.name ?? 'http-log',
      handler: (batch) => sendBatch(conf, agent, batch),
    });
    sender = { queue };
    senders.set(key, sender);
  }
  return sender;
}

/** Kong 3.x maps the deprecated retry_count/queue_size/flush_timeout onto the queue. */
function queueParameters(conf: HttpLogConf): HttpLogConf['queue'] {
  const queue = { ...conf.queue };
  if (typeof conf.queue_size === 'number' && conf.queue_size > 1 && queue.max_batch_size === 1) queue.max_batch_size = conf.queue_size;
  if (typeof conf.flush_timeout === 'number' && queue.max_coalescing_delay === 1) queue.max_coalescing_delay = conf.flush_timeout;
  return queue;
}

export const plugin = definePlugin({
  name: 'http-log',
  version: KONG_VERSION,
  priority: 12,
  schema: httpLogSchema,
  prepare: (conf) => ({ conf, sender: senderFor(conf) }),
  log(kong, prepared) {
    prepared.sender.queue.enqueue(applyCustomFields(kong.log.serialize(), prepared.conf));
  },
});
