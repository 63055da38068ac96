// OTLP trace export encodings: the protobuf ExportTraceServiceRequest
// (opentelemetry/proto/collector/trace/v1) written by hand — only the fields Kong sends — and
// the OTLP/JSON form of the same message (hex ids, string nanos, camelCase names).

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export interface ExportBatch {
  resource: Record<string, string | number | boolean>;
  scope: { name: string; version: string };
  spans: readonly SpanRecord[];
}

class Writer {
  private readonly parts: Buffer[] = [];

  varint(value: number | bigint): this {
    let rest = BigInt(value);
    const bytes: number[] = [];
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest > 0n);
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  tag(field: number, wireType: number): this { return this.varint((field << 3) | wireType); }
  bytes(field: number, value: Buffer): this { this.tag(field, 2).varint(value.length); this.parts.push(value); return this; }
  string(field: number, value: string): this { return this.bytes(field, Buffer.from(value, 'utf8')); }
  message(field: number, inner: Writer): this { return this.bytes(field, inner.finish()); }
  fixed64(field: number, value: bigint): this {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(value);
    this.tag(field, 1);
    this.parts.push(buffer);
    return this;
  }
  double(field: number, value: number): this {
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleLE(value);
    this.tag(field, 1);
    this.parts.push(buffer);
    return this;
  }
  finish(): Buffer { return Buffer.concat(this.parts); }
}

/** KeyValue { key = 1; AnyValue value = 2 } with AnyValue string 1 / bool 2 / int 3 / double 4. */
function keyValue(key: string, value: string | number | boolean): Writer {
  const any = new Writer();
  if (typeof value === 'string') any.string(1, value);
  else if (typeof value === 'boolean') any.tag(2, 0).varint(value ? 1 : 0);
  else if (Number.isInteger(value)) any.tag(3, 0).varint(BigInt.asUintN(64, BigInt(value)));
  else any.double(4, value);
  return new Writer().string(1, key).message(2, any);
}

function spanMessage(span: SpanRecord): Writer {
  const writer = new Writer()
    .bytes(1, Buffer.from(span.traceId, 'hex'))
    .bytes(2, Buffer.from(span.spanId, 'hex'));
  if (span.parentSpanId !== null) writer.bytes(4, Buffer.from(span.parentSpanId, 'hex'));
  writer.string(5, span.name).tag(6, 0).varint(span.kind).fixed64(7, span.startNs).fixed64(8, span.endNs);
  for (const [key, value] of Object.entries(span.attributes)) writer.message(9, keyValue(key, value));
  if (span.statusCode !== 0) writer.message(15, new Writer().tag(3, 0).varint(span.statusCode));
  return writer;
}

/**
 * ExportTraceServiceRequest { ResourceSpans resource_spans = 1 } in protobuf wire format.
 * @example
 * const body = encodeProtobuf({ resource: { 'service.name': 'kong' }, scope, spans });
 */
export function encodeProtobuf(batch: ExportBatch): Buffer {
  const resource = new Writer();
  for (const [key, value] of Object.entries(batch.resource)) resource.message(1, keyValue(key, value));
  const scope = new Writer().string(1, batch.scope.name).string(2, batch.scope.version);
  const scopeSpans = new Writer().message(1, scope);
  for (const span of batch.spans) scopeSpans.message(2, spanMessage(span));
  const resourceSpans = new Writer().message(1, resource).message(2, scopeSpans);
  return new Writer().message(1, resourceSpans).finish();
}

function jsonValue(value: string | number | boolean): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

const jsonAttributes = (attributes: Record<string, string | number | boolean>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: jsonValue(value) }));

/**
 * The same request in OTLP/JSON.
 * @example
 * JSON.stringify(encodeJson(batch));
 */
export function encodeJson(batch: ExportBatch): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: jsonAttributes(batch.resource) },
      scopeSpans: [{
        scope: batch.scope,
        spans: batch.spans.map((span) => ({
          traceId: span.traceId, spanId: span.spanId, ...(span.parentSpanId === null ? {} : { parentSpanId: span.parentSpanId }),
          name: span.name, kind: span.kind, startTimeUnixNano: String(span.startNs), endTimeUnixNano: String(span.endNs),
          attributes: jsonAttributes(span.attributes), ...(span.statusCode === 0 ? {} : { status: { code: span.statusCode } }),
        })),
      }],
    }],
  };
}
