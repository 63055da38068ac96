import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'opentelemetry', config }, 'insert').config as Record<string, unknown>;

/** Protobuf wire-format reader: field number → values (varint: bigint, 64-bit: Buffer, bytes: Buffer). */
function fields(buffer: Buffer): Map<number, Array<bigint | Buffer>> {
  const out = new Map<number, Array<bigint | Buffer>>();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const [field, wire] = [key >> 3, key & 7];
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) { value = buffer.subarray(at, at + 8); at += 8; }
    else if (wire === 2) { const length = Number(varint()); value = buffer.subarray(at, at + length); at += length; }
    else throw new Error(`unexpected wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
const one = (message: Map<number, Array<bigint | Buffer>>, field: number) => message.get(field)?.[0];
const text = (value: unknown) => (value as Buffer).toString('utf8');
function attributes(list: Array<bigint | Buffer> = []): Record<string, unknown> {
  return Object.fromEntries(list.map((raw) => {
    const kv = fields(raw as Buffer);
    const any = fields(one(kv, 2) as Buffer);
    const value = any.has(1) ? text(one(any, 1)) : any.has(3) ? Number(one(any, 3)) : any.has(2) ? one(any, 2) === 1n : (one(any, 4) as Buffer).readDoubleLE();
    return [text(one(kv, 1)), value];
  }));
}

/** Decodes ExportTraceServiceRequest into resource attributes and spans. */
function decodeExport(body: Buffer) {
  const resourceSpans = fields(one(fields(body), 1) as Buffer);
  const resource = attributes(fields(one(resourceSpans, 1) as Buffer).get(1));
  const scopeSpans = fields(one(resourceSpans, 2) as Buffer);
  const scope = fields(one(scopeSpans, 1) as Buffer);
  const spans = (scopeSpans.get(2) ?? []).map((raw) => {
    const span = fields(raw as Buffer);
    return {
      traceId: (one(span, 1) as Buffer).toString('hex'), spanId: (one(span, 2) as Buffer).toString('hex'),
      parentSpanId: span.has(4) ? (one(span, 4) as Buffer).toString('hex') : null,
      name: text(one(span, 5)), kind: Number(one(span, 6)),
      start: (one(span, 7) as Buffer).readBigUInt64LE(), end: (one(span, 8) as Buffer).readBigUInt64LE(),
      attributes: attributes(span.get(9)),
      status: span.has(15) ? Number(one(fields(one(span, 15) as Buffer), 3)) : 0,
    };
  });
  return { resource, scope: { name: text(one(scope, 1)), version: text(one(scope, 2)) }, spans };
}

async function collector() {
  const bodies: Array<{ type: string | undefined; auth: string | undefined; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push({ type: req.headers['content-type'], auth: req.headers.authorization, body: Buffer.concat(chunks) });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wait = async () => {
    const deadline = Date.now() + 3000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return bodies;
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, wait, close: () => server.close() };
}

const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

test('continues a W3C trace, injects it upstream, echoes the trace id and exports protobuf spans', async () => {
  const sink = await collector();
  try {
    const conf = validate({
      traces_endpoint: sink.url, headers: { Authorization: 'Bearer t' }, resource_attributes: { 'deployment.environment': 'test' },
      http_response_header_for_traceid: 'X-Trace-Id', queue: { max_coalescing_delay: 0.01 },
      propagation: { inject: ['preserve', 'b3'] },
    });
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('opentelemetry', conf)] });
    const result = await harness.request({ route, service, headers: { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` } }, { status: 502, body: 'x' });
    const upstream = result.ctx.upstream.headers;
    const injected = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(upstream.get('traceparent')));
    assert.ok(injected);
    assert.equal(injected[1], PARENT_TRACE);
    assert.equal(upstream.get('x-b3-traceid'), PARENT_TRACE);
    assert.equal(result.headers['x-trace-id'], PARENT_TRACE);

    const [sent] = await sink.wait();
    assert.equal(sent!.type, 'application/x-protobuf');
    assert.equal(sent!.auth, 'Bearer t');
    const decoded = decodeExport(sent!.body);
    assert.equal(decoded.resource['service.name'], 'kong');
    assert.equal(decoded.resource['deployment.environment'], 'test');
    assert.deepEqual(decoded.scope, { name: 'kong-internal', version: '0.1.0' });
    const [root] = decoded.spans;
    assert.equal(root!.name, 'kong');
    assert.equal(root!.kind, 2);
    assert.equal(root!.traceId, PARENT_TRACE);
    assert.equal(root!.parentSpanId, PARENT_SPAN);
    assert.equal(root!.spanId, injected[2]);
    assert.equal(root!.attributes['http.status_code'], 502);
    assert.equal(root!.status, 2);
    assert.ok(root!.end >= root!.start);
  } finally {
    sink.close();
  }
});

test('an unsampled parent is not exported; sampling_rate 1 samples new traces; JSON encoding', async () => {
  const sink = await collector();
  try {
    const harness = await createPluginHarness({
      plugins: [plugin],
      rows: [pluginRow('opentelemetry', validate({ traces_endpoint: sink.url, sampling_rate: 1, encoding: 'json', queue: { max_coalescing_delay: 0.01 } }))],
    });
    const skipped = await harness.request({ route, service, headers: { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-00` } }, { status: 200, body: 'x' });
    assert.match(String(skipped.ctx.upstream.headers.get('traceparent')), new RegExp(`^00-${PARENT_TRACE}-[0-9a-f]{16}-00$`));
    const fresh = await harness.request({ route, service, headers: { 'x-b3-traceid': 'a'.repeat(32), 'x-b3-spanid': 'b'.repeat(16) } }, { status: 200, body: 'x' });
    // preserve: the upstream gets the incoming (b3) format.
    assert.equal(fresh.ctx.upstream.headers.get('x-b3-traceid'), 'a'.repeat(32));
    const bodies = await sink.wait();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0]!.type, 'application/json');
    const spans = JSON.parse(bodies[0]!.body.toString()).resourceSpans[0].scopeSpans[0].spans;
    assert.deepEqual(spans.map((span: { traceId: string; parentSpanId: string }) => [span.traceId, span.parentSpanId]), [['a'.repeat(32), 'b'.repeat(16)]]);
  } finally {
    sink.close();
  }
});

test('schema: an endpoint is required; Kong defaults', () => {
  assert.throws(() => validate({}), /traces_endpoint/);
  const conf = validate({ traces_endpoint: 'http://127.0.0.1:4318/v1/traces' });
  assert.equal((conf.queue as { max_batch_size: number }).max_batch_size, 200);
  assert.deepEqual([conf.connect_timeout, conf.send_timeout, conf.read_timeout, conf.header_type], [1000, 5000, 5000, 'preserve']);
  assert.equal((conf.propagation as { default_format: string }).default_format, 'w3c');
});
