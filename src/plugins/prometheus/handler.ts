// prometheus — kong/plugins/prometheus/handler.lua + exporter.lua log(): per request, the
// enabled metric groups are recorded in this worker's registry; /metrics (Admin and Status API)
// merges every worker's registry. Requests that matched no route are not recorded (as Kong).
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf } from '../../pdk/index.ts';
import { exporterSwitches, workerMetrics } from './exporter.ts';
import { prometheusSchema } from './schema.ts';

type PrometheusConf = ConfOf<typeof prometheusSchema>;
type Entry = Record<string, any>;

/** Kong's labels: service name or host, route name or id, workspace name. */
function routeLabels(entry: Entry): [string, string, string] | null {
  const route = entry.route as { name?: string | null; id: string } | null | undefined;
  if (route === null || route === undefined) return null;
  const service = entry.service as { name?: string | null; host?: string } | null | undefined;
  const serviceName = service ? (service.name ?? service.host ?? '') : '';
  return [serviceName, route.name ?? route.id, String(entry.workspace_name ?? 'default')];
}

/** Kong's `ai` serializer field: one object per AI plugin with meta, usage and cache. */
function recordAi(entry: Entry, workspace: string): void {
  const ai = entry.ai as Record<string, Entry> | undefined;
  if (ai === undefined || ai === null) return;
  for (const plugin of Object.values(ai)) {
    const meta = (plugin?.meta ?? {}) as Entry;
    const usage = (plugin?.usage ?? {}) as Entry;
    const cache = (plugin?.cache ?? {}) as Entry;
    const labels = [
      String(meta.provider_name ?? ''), String(meta.request_model ?? ''), String(cache.cache_status ?? ''),
      String(cache.vector_db ?? ''), String(cache.embeddings_provider ?? ''), String(cache.embeddings_model ?? ''), workspace,
    ];
    workerMetrics.increment('kong_ai_llm_requests_total', labels, 1);
    if (typeof usage.cost === 'number' && usage.cost > 0) workerMetrics.increment('kong_ai_llm_cost_total', labels, usage.cost);
    if (typeof meta.llm_latency === 'number' && meta.llm_latency >= 0) workerMetrics.observe('kong_ai_llm_provider_latency_ms', labels, meta.llm_latency);
    for (const tokenType of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
      const count = usage[tokenType];
      if (typeof count === 'number' && count > 0) workerMetrics.increment('kong_ai_llm_tokens_total', [...labels.slice(0, 6), tokenType, workspace], count);
    }
  }
}

/**
 * Records one request's metrics per the switches.
 * @example
 * recordRequest(kong.log.serialize(), kong.response.get_source(), conf);
 */
export function recordRequest(entry: Entry, source: string, conf: PrometheusConf): void {
  const labels = routeLabels(entry);
  if (labels === null) return;
  const [service, route, workspace] = labels;
  const consumer = conf.per_consumer && entry.consumer ? String(entry.consumer.username ?? '') : '';
  if (conf.status_code_metrics) {
    const code = String(entry.response?.status ?? '');
    workerMetrics.increment('kong_http_requests_total', [service, route, code, source === 'service' ? 'service' : 'kong', workspace, consumer]);
  }
  if (conf.latency_metrics) {
    const latencies = (entry.latencies ?? {}) as { kong?: number; proxy?: number; request?: number };
    // Negative values (not proxied: proxy = -1) are skipped, as in Kong.
    if (typeof latencies.request === 'number' && latencies.request >= 0) workerMetrics.observe('kong_request_latency_ms', labels, latencies.request);
    if (typeof latencies.proxy === 'number' && latencies.proxy >= 0) workerMetrics.observe('kong_upstream_latency_ms', labels, latencies.proxy);
    if (typeof latencies.kong === 'number' && latencies.kong >= 0) workerMetrics.observe('kong_kong_latency_ms', labels, latencies.kong);
  }
  if (conf.bandwidth_metrics) {
    const ingress = Number(entry.request?.size ?? 0);
    const egress = Number(entry.response?.size ?? 0);
    if (ingress > 0) workerMetrics.increment('kong_bandwidth_bytes', [service, route, 'ingress', workspace, consumer], ingress);
    if (egress > 0) workerMetrics.increment('kong_bandwidth_bytes', [service, route, 'egress', workspace, consumer], egress);
  }
  if (conf.ai_metrics) recordAi(entry, workspace);
}

export const plugin = definePlugin({
  name: 'prometheus',
  version: KONG_VERSION,
  priority: 13,
  schema: prometheusSchema,
  configure(_kong, configs) {
    exporterSwitches.upstreamHealth = configs.some((conf) => conf.upstream_health_metrics);
  },
  log(kong, conf) {
    if (!conf.status_code_metrics && !conf.latency_metrics && !conf.bandwidth_metrics && !conf.ai_metrics) return;
    recordRequest(kong.log.serialize(), kong.response.get_source(), conf);
  },
});
