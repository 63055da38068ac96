// The primary's half of a node-wide scrape: fan a collection out to every live worker, gather
// their reports (waiting at most COLLECT_TIMEOUT_MS so a stuck worker cannot hang the scrape),
// and answer the worker that asked.
import type { ChildProcess } from 'node:child_process';
import type { WorkerMetricsReport } from '../plugins/prometheus/exporter.ts';
import type { MetricsPrimaryToWorker, MetricsWorkerToPrimary } from './metrics-messages.ts';

const COLLECT_TIMEOUT_MS = 2_000;

interface Collection {
  waiting: Set<number>;
  reports: WorkerMetricsReport[];
  finish: () => void;
}

/**
 * Gathers worker reports for scrapes.
 * @example
 * const metrics = new MetricsAggregator(() => liveChildren());
 * metrics.attach(child);
 */
export class MetricsAggregator {
  private readonly liveWorkers: () => Array<{ id: number; child: ChildProcess }>;
  private readonly collections = new Map<number, Collection>();
  private nextCollectId = 1;

  constructor(liveWorkers: () => Array<{ id: number; child: ChildProcess }>) {
    this.liveWorkers = liveWorkers;
  }

  /** Listens to one worker's metrics messages (beside the supervisor's own listener). */
  attach(child: ChildProcess): void {
    child.on('message', (raw: unknown) => {
      if (raw !== null && typeof raw === 'object') this.handle(child, raw as { type: string });
    });
  }

  /** Handles a metrics message from a worker; returns false for any other message. */
  handle(from: ChildProcess, message: { type: string }): boolean {
    const metricsMessage = message as MetricsWorkerToPrimary;
    if (metricsMessage.type === 'metrics:collect') {
      void this.collect().then((reports) => {
        if (from.connected) from.send({ type: 'metrics:collected', requestId: metricsMessage.requestId, reports } satisfies MetricsPrimaryToWorker);
      });
      return true;
    }
    if (metricsMessage.type === 'metrics:report') {
      const collection = this.collections.get(metricsMessage.collectId);
      if (collection !== undefined && collection.waiting.delete(metricsMessage.workerId)) {
        collection.reports.push(metricsMessage.report);
        if (collection.waiting.size === 0) collection.finish();
      }
      return true;
    }
    return false;
  }

  /** Asks every live worker; resolves with the reports that arrived in time. */
  collect(): Promise<WorkerMetricsReport[]> {
    const workers = this.liveWorkers();
    const collectId = this.nextCollectId++;
    return new Promise((resolve) => {
      const collection: Collection = {
        waiting: new Set(workers.map((worker) => worker.id)),
        reports: [],
        finish: () => {
          clearTimeout(timer);
          this.collections.delete(collectId);
          resolve(collection.reports);
        },
      };
      const timer = setTimeout(() => collection.finish(), COLLECT_TIMEOUT_MS);
      this.collections.set(collectId, collection);
      if (workers.length === 0) { collection.finish(); return; }
      for (const worker of workers) {
        try {
          worker.child.send({ type: 'metrics:snapshot', collectId } satisfies MetricsPrimaryToWorker);
        } catch {
          collection.waiting.delete(worker.id);
        }
      }
      if (collection.waiting.size === 0) collection.finish();
    });
  }
}
