// zipkin — kong/plugins/zipkin/handler.lua: extracts a parent context, samples (the parent's
// flag, else sample_ratio), injects the proxy span into the upstream request (propagation,
// default b3), optionally echoes the trace id, and reports Zipkin v2 JSON spans (POST, array)
// through the queue; any status >= 300 is a failed batch.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, extractTraceContext, LogQueue, propagate, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { zipkinSchema } from './schema.ts';
import { parseTagsHeader, zipkinSpans, type ZipkinSpan, type ZipkinTrace } from './spans.ts';

type ZipkinConf = ConfOf<typeof zipkinSchema>;
const queues = new Map<string, LogQueue<ZipkinSpan>>();
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

async function report(conf: ZipkinConf, spans: readonly ZipkinSpan[]): Promise<void> {
  if (conf.http_endpoint === null) return;
  const response = await request(conf.http_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spans),
    headersTimeout: conf.read_timeout,
    bodyTimeout: conf.read_timeout,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`zipkin collector answered ${response.statusCode}: ${text}`);
}

function queueFor(conf: ZipkinConf): LogQueue<ZipkinSpan> {
  const key = JSON.stringify(conf);
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = new LogQueue<ZipkinSpan>({ ...conf.queue, name: conf.queue.name ?? 'zipkin', handler: (spans) => report(conf, spans) });
    queues.set(key, queue);
  }
  return queue;
}

function traceOf(kong: Pdk, conf: ZipkinConf): ZipkinTrace {
  const existing = kong.ctx.plugin.trace as ZipkinTrace | undefined;
  if (existing !== undefined) return existing;
  const parent = conf.header_type === 'ignore' ? null : extractTraceContext(kong.request.get_headers(), conf.propagation.extract);
  const ownTraceId = conf.traceid_byte_count === 8 ? hex(8) : hex(16);
  const trace: ZipkinTrace = {
    // A 64-bit incoming id stays 64-bit (extract pads to 32 hex).
    traceId: parent === null ? ownTraceId : (conf.traceid_byte_count === 8 && parent.traceId.startsWith('0'.repeat(16)) ? parent.traceId.slice(16) : parent.traceId),
    spanId: hex(8),
    proxySpanId: hex(8),
    parentId: parent?.spanId ?? null,
    sampled: parent?.sampled ?? Math.random() < conf.sample_ratio,
    headerTags: parseTagsHeader(kong.request.get_header(conf.tags_header)),
  };
  kong.ctx.plugin.trace = trace;
  kong.ctx.plugin.incomingFormat = parent?.format ?? null;
  return trace;
}

export const plugin = definePlugin({
  name: 'zipkin',
  version: KONG_VERSION,
  priority: 100000,
  schema: zipkinSchema,
  prepare: (conf, kong) => ({ conf, queue: queueFor(conf), nodeId: kong.node.get_id() }),
  access(kong, { conf }) {
    const trace = traceOf(kong, conf);
    const incoming = (kong.ctx.plugin.incomingFormat as string | null) ?? null;
    const propagation = { ...conf.propagation, default_format: conf.propagation.default_format ?? conf.default_header_type };
    propagate(kong.service.request, propagation, incoming, trace.traceId, trace.proxySpanId, trace.sampled);
  },
  header_filter(kong, { conf }) {
    if (conf.http_response_header_for_traceid !== null) kong.response.set_header(conf.http_response_header_for_traceid, traceOf(kong, conf).traceId);
  },
  log(kong, { conf, queue, nodeId }) {
    const trace = traceOf(kong, conf);
    if (!trace.sampled) return;
    for (const span of zipkinSpans(conf, trace, kong.log.serialize(), nodeId)) queue.enqueue(span);
  },
});
