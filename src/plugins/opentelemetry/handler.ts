// opentelemetry — kong/plugins/opentelemetry/handler.lua: in access the parent context is
// extracted (propagation.extract), the sampling decision made (the parent's flag, else
// sampling_rate) and the context injected upstream; header_filter can echo the trace id; log
// queues the request's spans, sent in batches as OTLP/HTTP (protobuf; success only on 200).
import { request } from 'undici';
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, extractTraceContext, LogQueue, propagate, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { encodeJson, encodeProtobuf, type SpanRecord } from './otlp.ts';
import { openTelemetrySchema } from './schema.ts';
import { randomHex, requestSpans, type RequestTrace } from './spans.ts';

type OtelConf = ConfOf<typeof openTelemetrySchema>;
/** kong.conf tracing_sampling_rate default, used when the plugin sets no sampling_rate. */
const DEFAULT_SAMPLING_RATE = 0.01;
const queues = new Map<string, LogQueue<SpanRecord>>();

/**
 * POSTs one batch of spans to the traces endpoint.
 * @example
 * await exportSpans(conf, nodeId, spans);
 */
export async function exportSpans(conf: OtelConf, nodeId: string, spans: readonly SpanRecord[]): Promise<void> {
  const endpoint = conf.traces_endpoint ?? conf.endpoint;
  if (endpoint === null) return;
  const batch = {
    resource: { 'service.name': 'kong', 'service.version': KONG_VERSION, 'service.instance.id': nodeId, ...(conf.resource_attributes ?? {}) },
    scope: { name: 'kong-internal', version: '0.1.0' },
    spans,
  };
  const json = conf.encoding === 'json';
  const response = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf', ...(conf.headers ?? {}) },
    body: json ? JSON.stringify(encodeJson(batch)) : encodeProtobuf(batch),
    headersTimeout: conf.read_timeout,
    bodyTimeout: conf.read_timeout,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`failed to send request to ${new URL(endpoint).host}: ${response.statusCode} ${text}`);
}

function queueFor(conf: OtelConf, nodeId: string): LogQueue<SpanRecord> {
  const key = JSON.stringify([conf, nodeId]);
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = new LogQueue<SpanRecord>({ ...conf.queue, name: conf.queue.name ?? 'opentelemetry', handler: (spans) => exportSpans(conf, nodeId, spans) });
    queues.set(key, queue);
  }
  return queue;
}

/** The request's trace, created on first use (access, or log for requests that never reached it). */
function traceOf(kong: Pdk, conf: OtelConf): RequestTrace {
  const existing = kong.ctx.plugin.trace as RequestTrace | undefined;
  if (existing !== undefined) return existing;
  const parent = conf.header_type === 'ignore' ? null : extractTraceContext(kong.request.get_headers(), conf.propagation.extract);
  const rate = conf.sampling_rate ?? DEFAULT_SAMPLING_RATE;
  const trace: RequestTrace = {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    parentSpanId: parent?.spanId ?? null,
    sampled: parent?.sampled ?? Math.random() < rate,
  };
  kong.ctx.plugin.trace = trace;
  kong.ctx.plugin.incomingFormat = parent?.format ?? null;
  return trace;
}

export const plugin = definePlugin({
  name: 'opentelemetry',
  version: KONG_VERSION,
  priority: 14,
  schema: openTelemetrySchema,
  prepare: (conf, kong) => ({ conf, queue: queueFor(conf, kong.node.get_id()) }),
  access(kong, { conf }) {
    const trace = traceOf(kong, conf);
    propagate(kong.service.request, conf.propagation, (kong.ctx.plugin.incomingFormat as string | null) ?? null, trace.traceId, trace.spanId, trace.sampled);
  },
  header_filter(kong, { conf }) {
    if (conf.http_response_header_for_traceid !== null) {
      kong.response.set_header(conf.http_response_header_for_traceid, traceOf(kong, conf).traceId);
    }
  },
  log(kong, { conf, queue }) {
    const trace = traceOf(kong, conf);
    if (!trace.sampled) return;
    for (const span of requestSpans(trace, kong.log.serialize())) queue.enqueue(span);
  },
});
