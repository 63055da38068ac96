// Kong's metric families (kong/plugins/prometheus/exporter.lua), with its help texts, labels
// and buckets. All names carry the `kong_` prefix.
import type { MetricDefinition } from './metrics.ts';

export const KONG_LATENCY_BUCKETS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000] as const;
export const UPSTREAM_LATENCY_BUCKETS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000] as const;
export const AI_PROVIDER_LATENCY_BUCKETS = [250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 10000, 30000, 60000] as const;

const ROUTE_LABELS = ['service', 'route', 'workspace'] as const;
const AI_LABELS = ['ai_provider', 'ai_model', 'cache_status', 'vector_db', 'embeddings_provider', 'embeddings_model', 'workspace'] as const;

/** Families recorded per request by the plugin's log phase (summed across workers). */
export const REQUEST_METRICS: Record<string, MetricDefinition> = {
  kong_http_requests_total: { type: 'counter', help: 'HTTP status codes per consumer/service/route in Kong', labels: ['service', 'route', 'code', 'source', 'workspace', 'consumer'] },
  kong_kong_latency_ms: { type: 'histogram', help: 'Latency added by Kong and enabled plugins for each service/route in Kong', labels: ROUTE_LABELS, buckets: KONG_LATENCY_BUCKETS },
  kong_upstream_latency_ms: { type: 'histogram', help: 'Latency added by upstream response for each service/route in Kong', labels: ROUTE_LABELS, buckets: UPSTREAM_LATENCY_BUCKETS },
  kong_request_latency_ms: { type: 'histogram', help: 'Total latency incurred during requests for each service/route in Kong', labels: ROUTE_LABELS, buckets: UPSTREAM_LATENCY_BUCKETS },
  kong_bandwidth_bytes: { type: 'counter', help: 'Total bandwidth (ingress/egress) throughput in bytes', labels: ['service', 'route', 'direction', 'workspace', 'consumer'] },
  kong_ai_llm_requests_total: { type: 'counter', help: 'AI requests total per ai_provider in Kong', labels: AI_LABELS },
  kong_ai_llm_cost_total: { type: 'counter', help: 'AI requests cost per ai_provider/cache in Kong', labels: AI_LABELS },
  kong_ai_llm_provider_latency_ms: { type: 'histogram', help: 'LLM response Latency for each AI plugins per ai_provider in Kong', labels: AI_LABELS, buckets: AI_PROVIDER_LATENCY_BUCKETS },
  kong_ai_llm_tokens_total: { type: 'counter', help: 'AI tokens total per ai_provider/cache in Kong', labels: [...AI_LABELS.slice(0, 6), 'token_type', 'workspace'] },
};

/** Node-level gauges, computed at scrape time. */
export const NODE_METRICS: Record<string, MetricDefinition> = {
  kong_nginx_connections_total: { type: 'gauge', help: 'Number of connections by subsystem', labels: ['node_id', 'subsystem', 'state'] },
  kong_nginx_requests_total: { type: 'gauge', help: 'Number of requests total', labels: ['node_id', 'subsystem'] },
  kong_nginx_timers: { type: 'gauge', help: 'Number of nginx timers', labels: ['state'] },
  kong_datastore_reachable: { type: 'gauge', help: 'Datastore reachable from Kong, 0 is unreachable', labels: [] },
  kong_node_info: { type: 'gauge', help: 'Kong Node metadata information', labels: ['node_id', 'version'] },
  kong_memory_workers_lua_vms_bytes: { type: 'gauge', help: 'Allocated bytes in worker Lua VM', labels: ['node_id', 'pid', 'kong_subsystem'] },
  kong_upstream_target_health: {
    type: 'gauge',
    help: 'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.',
    labels: ['upstream', 'target', 'address', 'state', 'subsystem'],
  },
  kong_nginx_metric_errors_total: { type: 'counter', help: 'Number of nginx-lua-prometheus errors', labels: [] },
};
