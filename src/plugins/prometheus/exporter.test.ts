import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { bucketFormatter } from './exposition.ts';
import { renderNodeMetrics, type WorkerMetricsReport } from './exporter.ts';
import { recordRequest } from './handler.ts';
import { MetricsRegistry } from './metrics.ts';
import { REQUEST_METRICS } from './definitions.ts';

interface Family { name: string; help: string; type: string; metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }> }
// A real Prometheus text-format parser (dev dependency parse-prometheus-text-format).
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const ALL_ON = { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: false, ai_metrics: true, wasm_metrics: false };
const connections = { connections_active: 2, connections_reading: 0, connections_writing: 1, connections_waiting: 1, connections_accepted: 9, connections_handled: 9, total_requests: 12 };

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    route: { id: 'route-id', name: 'r1' }, service: { name: null, host: 'backend.test' }, workspace_name: 'default',
    consumer: { username: 'alice' }, request: { size: 120 }, response: { status: 200, size: 300 },
    latencies: { kong: 3, proxy: 40, request: 44 }, ...overrides,
  };
}

/** Records into a fresh registry by swapping the module's worker registry content through reports. */
function reportOf(registry: MetricsRegistry, pid: number): WorkerMetricsReport {
  return { pid, heapBytes: 1000 + pid, metrics: registry.snapshot(), timers: { running: 0, pending: 1 } };
}

test('bucket bounds are zero-padded to one width per metric, as nginx-lua-prometheus does', () => {
  assert.equal(bucketFormatter([1, 6000])(1), '0001.0');
  assert.equal(bucketFormatter([25, 60000])(25), '00025.0');
  assert.equal(bucketFormatter([0.5, 10])(10), '10.0');
});

test('worker registries sum into one node page that a Prometheus parser reads', async () => {
  const { workerMetrics } = await import('./exporter.ts');
  workerMetrics.reset();
  recordRequest(entry(), 'service', ALL_ON);
  recordRequest(entry({ response: { status: 503, size: 10 }, latencies: { kong: 12, proxy: -1, request: 12 } }), 'exit', ALL_ON);
  const first = reportOf(workerMetrics, 101);
  workerMetrics.reset();
  recordRequest(entry(), 'service', ALL_ON);
  // No route: not recorded at all (Kong).
  recordRequest(entry({ route: null }), 'exit', ALL_ON);
  const second = reportOf(workerMetrics, 102);
  workerMetrics.reset();

  const text = renderNodeMetrics({ nodeId: 'node-1', reports: [first, second], connections, datastoreReachable: true });
  const families = new Map(parsePrometheus(text).map((family) => [family.name, family]));

  const requests = families.get('kong_http_requests_total')!;
  assert.equal(requests.type, 'COUNTER');
  const byCode = Object.fromEntries(requests.metrics.map((metric) => [metric.labels!.code, metric]));
  assert.deepEqual(byCode['200']!.labels, { service: 'backend.test', route: 'r1', code: '200', source: 'service', workspace: 'default', consumer: 'alice' });
  assert.equal(byCode['200']!.value, '2');
  assert.equal(byCode['503']!.labels!.source, 'kong');

  const kongLatency = families.get('kong_kong_latency_ms')!;
  assert.equal(kongLatency.type, 'HISTOGRAM');
  // This parser keeps only the buckets of labelled histograms; _count/_sum are checked on the text.
  assert.equal(kongLatency.metrics[0]!.buckets!['+Inf'], '3');
  assert.match(text, /^kong_kong_latency_ms_count\{service="backend.test",route="r1",workspace="default"\} 3$/m);
  assert.match(text, /^kong_kong_latency_ms_sum\{service="backend.test",route="r1",workspace="default"\} 18$/m);
  assert.equal(kongLatency.metrics[0]!.buckets!['0005.0'], '2');
  assert.equal(kongLatency.metrics[0]!.buckets!['0015.0'], '3');
  // The unproxied request has no upstream latency.
  assert.equal(families.get('kong_upstream_latency_ms')!.metrics[0]!.buckets!['+Inf'], '2');
  assert.equal(families.get('kong_upstream_latency_ms')!.metrics[0]!.buckets!['00050.0'], '2');

  const bandwidth = Object.fromEntries(families.get('kong_bandwidth_bytes')!.metrics.map((metric) => [metric.labels!.direction, metric.value]));
  assert.deepEqual(bandwidth, { ingress: '360', egress: '610' });

  const memory = families.get('kong_memory_workers_lua_vms_bytes')!.metrics.map((metric) => metric.labels!.pid).sort();
  assert.deepEqual(memory, ['101', '102']);
  assert.equal(families.get('kong_datastore_reachable')!.metrics[0]!.value, '1');
  const active = families.get('kong_nginx_connections_total')!.metrics.find((metric) => metric.labels!.state === 'active');
  assert.equal(active!.value, '2');
  assert.equal(families.get('kong_node_info')!.metrics[0]!.labels!.node_id, 'node-1');
});

test('switches: nothing recorded when off; consumer label empty without per_consumer', () => {
  const registry = new MetricsRegistry(REQUEST_METRICS);
  assert.throws(() => registry.observe('kong_http_requests_total', [], 1), /not a histogram/);
  const text = renderNodeMetrics({ nodeId: 'n', reports: [], connections, datastoreReachable: false });
  const names = parsePrometheus(text).map((family) => family.name);
  assert.equal(names.includes('kong_http_requests_total'), false);
  assert.equal(parsePrometheus(text).find((family) => family.name === 'kong_datastore_reachable')!.metrics[0]!.value, '0');
});

test('per_consumer off leaves the consumer label empty', async () => {
  const { workerMetrics } = await import('./exporter.ts');
  workerMetrics.reset();
  recordRequest(entry(), 'service', { ...ALL_ON, per_consumer: false });
  const text = renderNodeMetrics({ nodeId: 'n', reports: [reportOf(workerMetrics, 1)], connections, datastoreReachable: null });
  workerMetrics.reset();
  const requests = parsePrometheus(text).find((family) => family.name === 'kong_http_requests_total')!;
  assert.equal(requests.metrics[0]!.labels!.consumer, '');
});

test('AI metrics label the model with the request model, as Kong does (not the response model)', async () => {
  const { workerMetrics } = await import('./exporter.ts');
  workerMetrics.reset();
  const ai = { proxy: { meta: { provider_name: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o-2024-08-06', llm_latency: 300 }, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.25 } } };
  recordRequest(entry({ ai }), 'service', ALL_ON);
  const text = renderNodeMetrics({ nodeId: 'node-1', reports: [reportOf(workerMetrics, 7)], connections, datastoreReachable: true });
  workerMetrics.reset();
  const families = new Map(parsePrometheus(text).map((family) => [family.name, family]));
  const requests = families.get('ai_llm_requests_total') ?? families.get('kong_ai_llm_requests_total');
  assert.ok(requests, 'the AI request counter is exported');
  assert.equal(requests.metrics[0]!.labels!.ai_model, 'gpt-4o');
  assert.equal(requests.metrics[0]!.labels!.ai_provider, 'openai');
  const tokens = families.get('ai_llm_tokens_total') ?? families.get('kong_ai_llm_tokens_total');
  assert.equal(tokens!.metrics.find((metric) => metric.labels!.token_type === 'total_tokens')!.value, '15');
});
