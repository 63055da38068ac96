// The per-request metrics Kong's statsd and datadog plugins both send, read from the log
// serializer's entry (kong/plugins/statsd/log.lua, kong/plugins/datadog/handler.lua). One table so
// the two plugins cannot drift apart; plugins may not import each other, so it lives in the PDK.

/** A `kong.log.serialize()` entry, read loosely (fields may be absent). */
export type LogEntry = Record<string, any>;

/** metric name in the plugin config → [wire name, value read from the entry]. */
export const ENTRY_METRICS: Readonly<Record<string, readonly [string, (entry: LogEntry) => unknown]>> = {
  request_count: ['request.count', () => 1],
  latency: ['latency', (entry) => entry.latencies?.request],
  request_size: ['request.size', (entry) => entry.request?.size],
  response_size: ['response.size', (entry) => entry.response?.size],
  upstream_latency: ['upstream_latency', (entry) => entry.latencies?.proxy],
  kong_latency: ['kong_latency', (entry) => entry.latencies?.kong],
};
