// The spans Portico reports for one request, named as Kong's tracing instrumentation names them:
// the root `kong` span (SERVER) over the whole request and one `kong.balancer` span (CLIENT)
// per balancer try. Portico does not time the router and each plugin separately yet, so
// `kong.router` / `kong.access.plugin.<name>` spans are not produced.
import { randomBytes } from 'node:crypto';
import type { SpanRecord } from './otlp.ts';

type Entry = Record<string, any>;

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

export interface RequestTrace {
  traceId: string;
  /** The root span id (also what the upstream sees as its parent). */
  spanId: string;
  parentSpanId: string | null;
  sampled: boolean;
}

const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1_000_000));

/**
 * Spans for a finished request from its serialized log entry.
 * @example
 * const spans = requestSpans(trace, kong.log.serialize());
 */
export function requestSpans(trace: RequestTrace, entry: Entry): SpanRecord[] {
  const started = typeof entry.started_at === 'number' ? entry.started_at : Date.now();
  const total = typeof entry.latencies?.request === 'number' ? entry.latencies.request : 0;
  const status = Number(entry.response?.status ?? 0);
  const request = (entry.request ?? {}) as Entry;
  const url = typeof request.url === 'string' ? request.url : '';
  const root: SpanRecord = {
    traceId: trace.traceId,
    spanId: trace.spanId,
    parentSpanId: trace.parentSpanId,
    name: 'kong',
    kind: 2,
    startNs: msToNs(started),
    endNs: msToNs(started + total),
    attributes: {
      'http.method': String(request.method ?? ''),
      ...(url === '' ? {} : { 'http.url': url, 'http.scheme': url.split(':')[0]!, 'http.host': new URL(url).hostname }),
      'http.status_code': status,
      ...(typeof entry.client_ip === 'string' ? { 'net.peer.ip': entry.client_ip } : {}),
      ...(typeof request.id === 'string' && request.id !== '' ? { 'kong.request.id': request.id } : {}),
      ...(entry.route?.id ? { 'kong.route.id': String(entry.route.id) } : {}),
      ...(entry.service?.id ? { 'kong.service.id': String(entry.service.id) } : {}),
    },
    // Kong marks server errors on the root span.
    statusCode: status >= 500 ? 2 : 0,
  };
  const spans = [root];
  const tries = Array.isArray(entry.tries) ? (entry.tries as Entry[]) : [];
  tries.forEach((attempt, index) => {
    const start = typeof attempt.balancer_start === 'number' ? attempt.balancer_start : started;
    const failed = attempt.state === 'failed' || attempt.state === 'next';
    spans.push({
      traceId: trace.traceId,
      spanId: randomHex(8),
      parentSpanId: trace.spanId,
      name: 'kong.balancer',
      kind: 3,
      startNs: msToNs(start),
      endNs: msToNs(start + Math.max(0, Number(attempt.balancer_latency ?? 0))),
      attributes: {
        'net.peer.ip': String(attempt.ip ?? ''), 'net.peer.port': Number(attempt.port ?? 0), try_count: index + 1,
        ...(typeof attempt.code === 'number' ? { 'http.status_code': attempt.code } : {}),
      },
      statusCode: failed ? 2 : 0,
    });
  });
  return spans;
}
