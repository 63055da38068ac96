// Trace context propagation for the tracing plugins (Kong's kong/tracing/propagation): extract a
// parent context from request headers in one of the known formats, inject the gateway's span
// into the upstream request in the configured formats. Supported: w3c (traceparent), b3,
// b3-single, jaeger (uber-trace-id), ot (ot-tracer-*). Kong's aws/gcp/datadog/instana formats
// are accepted by the schemas but not extracted or injected.

export const EXTRACT_FORMATS = ['w3c', 'b3', 'jaeger', 'ot', 'aws', 'gcp', 'datadog', 'instana'] as const;
export const INJECT_FORMATS = ['preserve', 'w3c', 'b3', 'b3-single', 'jaeger', 'ot', 'aws', 'gcp', 'datadog', 'instana'] as const;

export interface TraceContext {
  /** Lower-case hex, 32 (or 16 for 64-bit ids) characters. */
  traceId: string;
  /** The remote parent span id (hex, 16). */
  spanId: string;
  /** null when the incoming headers did not say. */
  sampled: boolean | null;
  format: string;
}

type Headers = Record<string, string | string[] | undefined>;
const first = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};
const HEX = /^[0-9a-f]+$/;
const isId = (value: string | undefined, lengths: number[]): value is string =>
  value !== undefined && HEX.test(value) && lengths.includes(value.length) && !/^0+$/.test(value);

function w3c(headers: Headers): TraceContext | null {
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(first(headers, 'traceparent')?.trim().toLowerCase() ?? '');
  if (match === null || match[1] === 'ff' || !isId(match[2], [32]) || !isId(match[3], [16])) return null;
  return { traceId: match[2]!, spanId: match[3]!, sampled: (Number.parseInt(match[4]!, 16) & 1) === 1, format: 'w3c' };
}

function b3(headers: Headers): TraceContext | null {
  const single = first(headers, 'b3');
  if (single !== undefined) {
    const [traceId, spanId, flag] = single.toLowerCase().split('-');
    if (isId(traceId, [16, 32]) && isId(spanId, [16])) {
      return { traceId: traceId.padStart(32, '0'), spanId, sampled: flag === undefined ? null : flag === '1' || flag === 'd', format: 'b3-single' };
    }
    return null;
  }
  const traceId = first(headers, 'x-b3-traceid')?.toLowerCase();
  const spanId = first(headers, 'x-b3-spanid')?.toLowerCase();
  if (!isId(traceId, [16, 32]) || !isId(spanId, [16])) return null;
  const flag = first(headers, 'x-b3-sampled');
  const sampled = first(headers, 'x-b3-flags') === '1' ? true : flag === undefined ? null : flag === '1' || flag === 'true';
  return { traceId: traceId.padStart(32, '0'), spanId, sampled, format: 'b3' };
}

function jaeger(headers: Headers): TraceContext | null {
  const parts = first(headers, 'uber-trace-id')?.toLowerCase().split(':');
  if (parts === undefined || parts.length !== 4) return null;
  const traceId = parts[0]!.padStart(parts[0]!.length > 16 ? 32 : 16, '0');
  const spanId = parts[1]!.padStart(16, '0');
  if (!isId(traceId, [16, 32]) || !isId(spanId, [16])) return null;
  return { traceId: traceId.padStart(32, '0'), spanId, sampled: (Number.parseInt(parts[3]!, 16) & 1) === 1, format: 'jaeger' };
}

function ot(headers: Headers): TraceContext | null {
  const traceId = first(headers, 'ot-tracer-traceid')?.toLowerCase();
  const spanId = first(headers, 'ot-tracer-spanid')?.toLowerCase();
  if (!isId(traceId, [16, 32]) || !isId(spanId, [16])) return null;
  const sampled = first(headers, 'ot-tracer-sampled');
  return { traceId: traceId.padStart(32, '0'), spanId, sampled: sampled === undefined ? null : sampled === '1' || sampled === 'true', format: 'ot' };
}

const EXTRACTORS: Record<string, (headers: Headers) => TraceContext | null> = { w3c, b3, jaeger, ot };

/**
 * The first parent context found, trying `formats` in order (all known ones when null).
 * @example
 * extractTraceContext(kong.request.get_headers(), ['w3c', 'b3']);
 */
export function extractTraceContext(headers: Headers, formats: readonly string[] | null): TraceContext | null {
  for (const format of formats ?? ['w3c', 'b3', 'jaeger', 'ot']) {
    const context = EXTRACTORS[format]?.(headers) ?? null;
    if (context !== null) return context;
  }
  return null;
}

/**
 * Headers carrying (traceId, spanId, sampled) in one format.
 * @example
 * injectionHeaders('w3c', trace, span, true); // { traceparent: '00-…-…-01' }
 */
export function injectionHeaders(format: string, traceId: string, spanId: string, sampled: boolean, parentId?: string): Record<string, string> {
  switch (format) {
    case 'w3c': return { traceparent: `00-${traceId.padStart(32, '0')}-${spanId}-${sampled ? '01' : '00'}` };
    case 'b3': return {
      'x-b3-traceid': traceId, 'x-b3-spanid': spanId, 'x-b3-sampled': sampled ? '1' : '0',
      ...(parentId === undefined ? {} : { 'x-b3-parentspanid': parentId }),
    };
    case 'b3-single': return { b3: `${traceId}-${spanId}-${sampled ? '1' : '0'}${parentId === undefined ? '' : `-${parentId}`}` };
    case 'jaeger': return { 'uber-trace-id': `${traceId}:${spanId}:${parentId ?? '0'}:${sampled ? '01' : '00'}` };
    case 'ot': return { 'ot-tracer-traceid': traceId.slice(-16), 'ot-tracer-spanid': spanId, 'ot-tracer-sampled': sampled ? '1' : '0' };
    default: return {};
  }
}

/**
 * Kong's `propagation` record shared by opentelemetry and zipkin.
 * @example
 * fields: { propagation: propagationSchema('w3c') }
 */
export function propagationSchema(defaultFormat: string) {
  return {
    type: 'record',
    required: true,
    fields: {
      extract: { type: 'array', elements: { type: 'string', one_of: EXTRACT_FORMATS } },
      clear: { type: 'array', elements: { type: 'string' } },
      inject: { type: 'array', elements: { type: 'string', one_of: INJECT_FORMATS } },
      default_format: { type: 'string', required: true, default: defaultFormat, one_of: INJECT_FORMATS.filter((format) => format !== 'preserve') },
    },
  } as const;
}

export interface PropagationConf {
  extract?: readonly string[] | null;
  clear?: readonly string[] | null;
  inject?: readonly string[] | null;
  default_format: string;
}

/**
 * Clears the configured headers and sets the injection headers on the upstream request:
 * `preserve` (and an unset inject list) answers in the incoming format, else default_format.
 * @example
 * propagate(kong.service.request, conf.propagation, parent?.format ?? null, trace, span, true);
 */
export function propagate(
  upstream: { set_header(name: string, value: string): void; clear_header(name: string): void },
  conf: PropagationConf, incomingFormat: string | null, traceId: string, spanId: string, sampled: boolean,
): void {
  for (const name of conf.clear ?? []) upstream.clear_header(name);
  const formats = new Set<string>();
  for (const format of conf.inject ?? ['preserve']) {
    formats.add(format === 'preserve' ? (incomingFormat ?? conf.default_format) : format);
  }
  for (const format of formats) {
    for (const [name, value] of Object.entries(injectionHeaders(format, traceId, spanId, sampled))) upstream.set_header(name, value);
  }
}
