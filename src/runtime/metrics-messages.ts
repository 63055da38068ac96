// IPC messages of a node-wide /metrics scrape: the worker serving the scrape asks the primary,
// the primary asks every live worker for its report and answers with all of them. Workers keep
// their own counters (no per-request IPC); the merge happens only when someone scrapes.
import type { WorkerMetricsReport } from '../plugins/prometheus/exporter.ts';

export type MetricsPrimaryToWorker =
  /** Primary → every worker: send your report for this collection. */
  | { type: 'metrics:snapshot'; collectId: number }
  /** Primary → the asking worker: every report gathered (workers that did not answer in time are missing). */
  | { type: 'metrics:collected'; requestId: number; reports: WorkerMetricsReport[] };

export type MetricsWorkerToPrimary =
  | { type: 'metrics:collect'; workerId: number; requestId: number }
  | { type: 'metrics:report'; workerId: number; collectId: number; report: WorkerMetricsReport };
