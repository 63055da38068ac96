// The worker's half of a node-wide scrape: ask the primary for every worker's report (or, with
// no primary — an in-process node — use this process alone), then render the exposition.
import { renderNodeMetrics, sumConnections, workerMetricsReport, type TargetHealth, type WorkerMetricsReport } from '../plugins/prometheus/exporter.ts';
import type { ServerCounters } from '../admin/types.ts';
import type { MetricsPrimaryToWorker, MetricsWorkerToPrimary } from './metrics-messages.ts';

/**
 * Serves `deps.metrics` of the Admin/Status servers for one worker.
 * @example
 * const metrics = new WorkerMetrics(nodeId, workerId, process);
 * createStatusServer({ ..., metrics: (node) => metrics.render(node) });
 */
export class WorkerMetrics {
  private readonly nodeId: string;
  private readonly workerId: number;
  private readonly send: ((message: MetricsWorkerToPrimary) => void) | null;
  private readonly pending = new Map<number, (reports: WorkerMetricsReport[]) => void>();
  private nextRequestId = 1;
  private readonly targets: () => TargetHealth[];
  private readonly connections: (() => ServerCounters) | null;

  /** With a `channel` (the worker's IPC to the primary) scrapes cover every worker of the node. */
  constructor(
    nodeId: string, workerId: number, channel: NodeJS.Process | null, targets: () => TargetHealth[] = () => [],
    connections: (() => ServerCounters) | null = null,
  ) {
    this.nodeId = nodeId;
    this.targets = targets;
    this.connections = connections;
    this.workerId = workerId;
    if (channel === null || channel.send === undefined) {
      this.send = null;
      return;
    }
    this.send = (message) => { if (channel.connected) channel.send!(message); };
    channel.on('message', (raw: unknown) => {
      if (raw !== null && typeof raw === 'object') this.handle(raw as { type: string });
    });
  }

  /** Handles a metrics message from the primary; false for any other message. */
  handle(message: { type: string }): boolean {
    const metricsMessage = message as MetricsPrimaryToWorker;
    if (metricsMessage.type === 'metrics:snapshot') {
      this.send?.({ type: 'metrics:report', workerId: this.workerId, collectId: metricsMessage.collectId, report: this.report() });
      return true;
    }
    if (metricsMessage.type === 'metrics:collected') {
      this.pending.get(metricsMessage.requestId)?.(metricsMessage.reports);
      this.pending.delete(metricsMessage.requestId);
      return true;
    }
    return false;
  }

  /**
   * The node's exposition: every worker's counters summed, plus node gauges. The connection
   * gauges are the proxy connections of all workers (Kong's kong_nginx_connections_total counts
   * nginx as a whole); without proxy counters, those of the server answering the scrape.
   */
  async render(node: { counters: ServerCounters; datastoreReachable: boolean | null }): Promise<string> {
    const reports = await this.collect();
    const connections = sumConnections(reports.map((report) => report.connections)) ?? node.counters;
    return renderNodeMetrics({ nodeId: this.nodeId, reports, connections, datastoreReachable: node.datastoreReachable, targets: this.targets() });
  }

  /** Proxy connection counters summed over every worker of the node (for `/status`). */
  async nodeConnections(): Promise<ServerCounters | null> {
    return sumConnections((await this.collect()).map((report) => report.connections));
  }

  private report(): WorkerMetricsReport {
    const report = workerMetricsReport();
    const connections = this.connections?.();
    return connections === undefined ? report : { ...report, connections };
  }

  private collect(): Promise<WorkerMetricsReport[]> {
    const send = this.send;
    if (send === null) return Promise.resolve([this.report()]);
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      send({ type: 'metrics:collect', workerId: this.workerId, requestId });
    });
  }
}
