// The node's /metrics page. Each worker records request metrics in its own registry
// (`workerMetrics`); a scrape collects every worker's report (src/runtime/metrics-*.ts over IPC,
// or just this process when there is no supervisor), sums them, and adds the node gauges.
import { KONG_VERSION } from '../../core/version.ts';
import { NODE_METRICS, REQUEST_METRICS } from './definitions.ts';
import { renderFamily, type SeriesSet } from './exposition.ts';
import { mergeSnapshots, MetricsRegistry, type MetricsSnapshot } from './metrics.ts';
import type { ServerCounters } from '../../core/server-counters.ts';

/** This worker's request metrics (Kong's prometheus_metrics shared dict, per process here). */
export const workerMetrics = new MetricsRegistry(REQUEST_METRICS);

/** Switches that change what the node page shows, set by the plugin's configure phase. */
export const exporterSwitches = { upstreamHealth: false };

/** What one worker contributes to a scrape (structured-clone safe). */
export interface WorkerMetricsReport {
  pid: number;
  /** V8 heap in use: the equivalent of Kong's per-worker Lua VM allocation. */
  heapBytes: number;
  metrics: MetricsSnapshot;
  timers: { running: number; pending: number };
  /** This worker's proxy connections (nginx stub_status shape); summed into the node's gauges. */
  connections?: ConnectionCounters;
}

/** nginx stub_status counters, as kong_nginx_connections_total reports them. */
export type ConnectionCounters = ServerCounters;

/** Sums per-worker counters (null when no worker reported any). */
export function sumConnections(all: ReadonlyArray<ConnectionCounters | undefined>): ConnectionCounters | null {
  const present = all.filter((counters): counters is ConnectionCounters => counters !== undefined);
  if (present.length === 0) return null;
  const total = { ...present[0]! };
  for (const counters of present.slice(1)) {
    for (const key of Object.keys(total) as Array<keyof ConnectionCounters>) total[key] += counters[key];
  }
  return total;
}

/**
 * This process' report.
 * @example
 * process.send({ type: 'metrics:report', report: workerMetricsReport() });
 */
export function workerMetricsReport(): WorkerMetricsReport {
  const timers = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
  return { pid: process.pid, heapBytes: process.memoryUsage().heapUsed, metrics: workerMetrics.snapshot(), timers: { running: 0, pending: timers } };
}

export interface TargetHealth {
  upstream: string;
  target: string;
  address: string;
  /** healthchecks_off | healthy | unhealthy | dns_error */
  state: string;
}

export interface NodeMetricsInput {
  nodeId: string;
  reports: readonly WorkerMetricsReport[];
  /** nginx stub_status-like counters of the node. */
  connections: {
    connections_active: number; connections_reading: number; connections_writing: number; connections_waiting: number;
    connections_accepted: number; connections_handled: number; total_requests: number;
  };
  /** null in DB-less mode (no datastore: reported as reachable, as Kong's DB-less nodes do). */
  datastoreReachable: boolean | null;
  targets?: readonly TargetHealth[];
}

const TARGET_STATES = ['healthchecks_off', 'healthy', 'unhealthy', 'dns_error'];

/** One-valued gauge series for each target: 1 for its state, 0 for the others (Kong's layout). */
function targetSeries(targets: readonly TargetHealth[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const target of targets) {
    for (const state of TARGET_STATES) {
      values[JSON.stringify([target.upstream, target.target, target.address, state, 'http'])] = state === target.state ? 1 : 0;
    }
  }
  return values;
}

function nodeSeries(input: NodeMetricsInput): Record<string, SeriesSet> {
  const { nodeId, connections } = input;
  const states: Array<[string, number]> = [
    ['accepted', connections.connections_accepted], ['active', connections.connections_active],
    ['handled', connections.connections_handled], ['reading', connections.connections_reading],
    ['total', connections.total_requests], ['waiting', connections.connections_waiting],
    ['writing', connections.connections_writing],
  ];
  const running = input.reports.reduce((sum, report) => sum + report.timers.running, 0);
  const pending = input.reports.reduce((sum, report) => sum + report.timers.pending, 0);
  return {
    kong_nginx_connections_total: { values: Object.fromEntries(states.map(([state, value]) => [JSON.stringify([nodeId, 'http', state]), value])) },
    kong_nginx_requests_total: { values: { [JSON.stringify([nodeId, 'http'])]: connections.total_requests } },
    kong_nginx_timers: { values: { [JSON.stringify(['running'])]: running, [JSON.stringify(['pending'])]: pending } },
    kong_datastore_reachable: { values: { '[]': input.datastoreReachable === false ? 0 : 1 } },
    kong_node_info: { values: { [JSON.stringify([nodeId, KONG_VERSION])]: 1 } },
    kong_memory_workers_lua_vms_bytes: {
      values: Object.fromEntries(input.reports.map((report) => [JSON.stringify([nodeId, String(report.pid), 'http']), report.heapBytes])),
    },
    kong_upstream_target_health: { values: exporterSwitches.upstreamHealth ? targetSeries(input.targets ?? []) : {} },
    kong_nginx_metric_errors_total: { values: { '[]': 0 } },
  };
}

/**
 * The whole exposition for the node, families sorted by name.
 * @example
 * const text = renderNodeMetrics({ nodeId, reports: [workerMetricsReport()], connections, datastoreReachable: true });
 */
export function renderNodeMetrics(input: NodeMetricsInput): string {
  const merged = mergeSnapshots(input.reports.map((report) => report.metrics));
  const families: Array<[string, string]> = [];
  const nodes = nodeSeries(input);
  for (const [name, definition] of Object.entries(NODE_METRICS)) {
    if (name === 'kong_upstream_target_health' && !exporterSwitches.upstreamHealth) continue;
    families.push([name, renderFamily(name, definition, nodes[name]!)]);
  }
  for (const [name, definition] of Object.entries(REQUEST_METRICS)) {
    const values = merged.counters[name];
    const histograms = merged.histograms[name];
    // Request families appear once something was recorded (Kong registers them only with the plugin).
    if (values === undefined && histograms === undefined) continue;
    families.push([name, renderFamily(name, definition, { values, histograms })]);
  }
  return families.sort(([a], [b]) => (a < b ? -1 : 1)).map(([, text]) => text).join('');
}

/** Kong's content type for the exporter page. */
export const METRICS_CONTENT_TYPE = 'text/plain; charset=UTF-8';
