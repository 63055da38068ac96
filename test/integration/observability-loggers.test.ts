// The loggers on a real node: the proxy's own log serializer (latencies, sizes, started_at,
// redacted credentials) reaches an HTTP log server, a file, a statsd socket and an OTLP collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { startUpstream } from '../helpers/loopback-upstream.ts';

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('http-log, file-log, statsd and opentelemetry receive what the proxy serialized', async () => {
  const upstream = await startUpstream();
  const posts: string[] = [];
  const traces: string[] = [];
  const logServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => { (req.url === '/traces' ? traces : posts).push(body); res.end(); });
  });
  await new Promise<void>((resolve) => logServer.listen(0, '127.0.0.1', resolve));
  const logPort = (logServer.address() as AddressInfo).port;
  const statsd = createSocket('udp4');
  const metrics: string[] = [];
  statsd.on('message', (message) => metrics.push(...message.toString().split('\n')));
  await new Promise<void>((resolve) => statsd.bind(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'obs-'));
  const file = join(dir, 'requests.log');
  const kongYml = `_format_version: "3.0"
services:
  - name: logged
    url: http://127.0.0.1:${upstream.port}
    routes:
      - name: logged-route
        paths: ["/logged"]
plugins:
  - name: http-log
    config: { http_endpoint: "http://127.0.0.1:${logPort}/logs", queue: { max_coalescing_delay: 0.01 } }
  - name: file-log
    config: { path: "${file}" }
  - name: statsd
    config: { host: 127.0.0.1, port: ${(statsd.address() as AddressInfo).port}, queue: { max_coalescing_delay: 0.01 } }
  - name: opentelemetry
    config: { traces_endpoint: "http://127.0.0.1:${logPort}/traces", encoding: json, sampling_rate: 1, queue: { max_coalescing_delay: 0.01 } }
`;
  const gateway = await startGatewayProcess({ kongYml });
  try {
    const response = await fetch(`${gateway.proxyUrl}/logged/a?x=1`, { headers: { authorization: 'Basic c2VjcmV0' } });
    assert.equal(response.status, 200);
    await response.arrayBuffer();

    const entry = JSON.parse(await until(() => posts[0], 'http-log'));
    assert.equal(entry.request.uri, '/logged/a?x=1');
    assert.equal(entry.request.headers.authorization, 'REDACTED');
    assert.equal(entry.response.status, 200);
    assert.equal(entry.route.name, 'logged-route');
    assert.equal(entry.service.name, 'logged');
    assert.equal(typeof entry.started_at, 'number');
    assert.ok(entry.latencies.request >= 0 && entry.latencies.proxy >= 0);

    const line = await until(() => { try { return readFileSync(file, 'utf8').split('\n')[0] || undefined; } catch { return undefined; } }, 'file-log');
    assert.equal(JSON.parse(line).request.id, entry.request.id);

    await until(() => (metrics.some((metric) => metric.startsWith('kong.service.logged.latency:')) ? true : undefined), 'statsd latency');
    assert.ok(metrics.includes('kong.service.logged.request.count:1|c'));
    assert.ok(metrics.includes('kong.service.logged.status.200:1|c'));

    const exported = JSON.parse(await until(() => traces[0], 'otlp'));
    const spans = exported.resourceSpans[0].scopeSpans[0].spans;
    assert.equal(spans[0].name, 'kong');
    assert.ok(spans.some((span: { name: string }) => span.name === 'kong.balancer'));
    assert.equal(upstream.requests[0]!.headers.traceparent?.toString().split('-')[1], spans[0].traceId);
  } finally {
    await gateway.stop();
    await upstream.close();
    logServer.close();
    statsd.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
