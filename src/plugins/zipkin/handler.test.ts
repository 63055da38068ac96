import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';
import { zipkinSpans, type ZipkinTrace } from './spans.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'zipkin', config }, 'insert').config as Record<string, unknown>;

async function collector() {
  const received: Array<{ type: string | undefined; spans: Array<Record<string, any>> }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => { received.push({ type: req.headers['content-type'], spans: JSON.parse(body) }); res.statusCode = 202; res.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wait = async () => {
    const deadline = Date.now() + 3000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return received;
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`, wait, received, close: () => server.close() };
}

test('continues a b3 trace, injects the proxy span upstream and reports v2 JSON with tags', async () => {
  const sink = await collector();
  try {
    const conf = validate({
      http_endpoint: sink.url, sample_ratio: 0, http_span_name: 'method_path', static_tags: [{ name: 'team', value: 'edge' }],
      http_response_header_for_traceid: 'X-Trace', queue: { max_coalescing_delay: 0.01 },
    });
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('zipkin', conf)] });
    const traceId = '1'.repeat(32);
    const result = await harness.request({
      route, service, method: 'POST', path: '/orders',
      headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': '2'.repeat(16), 'x-b3-sampled': '1', 'zipkin-tags': 'foo=bar;x=y' },
    }, { status: 503, body: 'x' });
    const upstream = result.ctx.upstream.headers;
    assert.equal(upstream.get('x-b3-traceid'), traceId);
    assert.equal(upstream.get('x-b3-sampled'), '1');
    assert.equal(result.headers['x-trace'], traceId);
    const [sent] = await sink.wait();
    assert.equal(sent!.type, 'application/json');
    const [span] = sent!.spans;
    assert.equal(span!.traceId, traceId);
    assert.equal(span!.parentId, '2'.repeat(16));
    assert.equal(span!.name, 'POST /orders');
    assert.equal(span!.kind, 'SERVER');
    assert.deepEqual(span!.localEndpoint, { serviceName: 'kong' });
    assert.equal(span!.tags.lc, 'kong');
    assert.equal(span!.tags['http.status_code'], '503');
    assert.equal(span!.tags.error, 'true');
    assert.equal(span!.tags.foo, 'bar');
    assert.equal(span!.tags.team, 'edge');
    assert.equal(span!.tags['kong.route'], route.id);
  } finally {
    sink.close();
  }
});

test('not sampled without a parent flag at sample_ratio 0; w3c injection when configured', async () => {
  const sink = await collector();
  try {
    const conf = validate({ http_endpoint: sink.url, sample_ratio: 0, propagation: { inject: ['w3c'] }, queue: { max_coalescing_delay: 0.01 } });
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('zipkin', conf)] });
    const result = await harness.request({ route, service }, { status: 200, body: 'x' });
    assert.match(String(result.ctx.upstream.headers.get('traceparent')), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(sink.received.length, 0);
  } finally {
    sink.close();
  }
});

test('proxy and balancer try spans from the log entry', () => {
  const conf = validate({}) as never;
  const trace: ZipkinTrace = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), proxySpanId: 'c'.repeat(16), parentId: null, sampled: true, headerTags: {} };
  const spans = zipkinSpans(conf, trace, {
    request: { method: 'GET', uri: '/x?y=1', url: 'https://api.test:8443/x?y=1' }, response: { status: 200 },
    started_at: 1_000, latencies: { request: 50 }, client_ip: '10.0.0.1', service: { id: 's', name: 'svc' },
    tries: [{ ip: '10.1.1.1', port: 80, balancer_start: 1_010, balancer_latency: 2, state: 'failed', code: 502 }, { ip: '10.1.1.2', port: 80, balancer_start: 1_020, balancer_latency: 1 }],
  }, 'node-1');
  assert.deepEqual(spans.map((span) => [span.name, span.kind, span.parentId ?? null]), [
    ['GET', 'SERVER', null], ['GET (proxy)', 'CLIENT', 'b'.repeat(16)],
    ['GET (balancer try 1)', 'CLIENT', 'c'.repeat(16)], ['GET (balancer try 2)', 'CLIENT', 'c'.repeat(16)],
  ]);
  assert.equal(spans[0]!.timestamp, 1_000_000);
  assert.equal(spans[0]!.duration, 50_000);
  assert.equal(spans[0]!.tags['http.protocol'], 'https');
  assert.deepEqual(spans[2]!.tags, { 'kong.balancer.try': '1', error: 'true', 'kong.balancer.state': 'failed', 'http.status_code': '502' });
  assert.deepEqual(spans[3]!.remoteEndpoint, { ipv4: '10.1.1.2', port: 80, serviceName: 'svc' });
});

test('schema: protected static tags rejected, Kong defaults', () => {
  assert.throws(() => validate({ static_tags: [{ name: 'lc', value: 'x' }] }), (error: Error & { fields?: unknown }) => /static_tags/.test(JSON.stringify(error.fields)));
  const conf = validate({});
  assert.deepEqual([conf.sample_ratio, conf.traceid_byte_count, conf.tags_header, conf.default_header_type], [0.001, 16, 'Zipkin-Tags', 'b3']);
  assert.equal((conf.propagation as { default_format: string }).default_format, 'b3');
});
