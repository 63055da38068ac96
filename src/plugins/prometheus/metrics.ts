// Per-worker metric storage for the prometheus plugin. Kong keeps counters in one shared dict per
// node; Portico keeps them per worker process and merges on scrape (src/runtime/metrics-*.ts asks
// every worker for a snapshot): counters and histogram buckets are sums, so merging is exact.
// Snapshots are plain data (structured-clone safe for IPC).

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  type: MetricType;
  help: string;
  labels: readonly string[];
  buckets?: readonly number[];
}

export interface HistogramValue {
  /** Cumulative counts are computed at render time; these are per-bucket counts (+Inf last). */
  buckets: number[];
  sum: number;
  count: number;
}

/** Label values (JSON array, in the definition's label order) → value. */
export interface MetricsSnapshot {
  counters: Record<string, Record<string, number>>;
  histograms: Record<string, Record<string, HistogramValue>>;
}

/**
 * One worker's counters and histograms.
 * @example
 * registry.increment('kong_http_requests_total', ['svc', 'r', '200', 'service', 'default', ''], 1);
 */
export class MetricsRegistry {
  private readonly definitions: Record<string, MetricDefinition>;
  private counters = new Map<string, Map<string, number>>();
  private histograms = new Map<string, Map<string, HistogramValue>>();

  constructor(definitions: Record<string, MetricDefinition>) {
    this.definitions = definitions;
  }

  increment(name: string, labels: readonly string[], by = 1): void {
    let series = this.counters.get(name);
    if (series === undefined) { series = new Map(); this.counters.set(name, series); }
    const key = JSON.stringify(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  observe(name: string, labels: readonly string[], value: number): void {
    const buckets = this.definitions[name]?.buckets;
    if (buckets === undefined) throw new Error(`${name} is not a histogram`);
    let series = this.histograms.get(name);
    if (series === undefined) { series = new Map(); this.histograms.set(name, series); }
    const key = JSON.stringify(labels);
    let histogram = series.get(key);
    if (histogram === undefined) {
      histogram = { buckets: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 };
      series.set(key, histogram);
    }
    let index = buckets.findIndex((bound) => value <= bound);
    if (index === -1) index = buckets.length;
    histogram.buckets[index]! += 1;
    histogram.sum += value;
    histogram.count += 1;
  }

  snapshot(): MetricsSnapshot {
    const out: MetricsSnapshot = { counters: {}, histograms: {} };
    for (const [name, series] of this.counters) out.counters[name] = Object.fromEntries(series);
    for (const [name, series] of this.histograms) {
      out.histograms[name] = Object.fromEntries([...series].map(([key, value]) => [key, { ...value, buckets: [...value.buckets] }]));
    }
    return out;
  }

  reset(): void {
    this.counters = new Map();
    this.histograms = new Map();
  }
}

/**
 * Sums worker snapshots into one node snapshot.
 * @example
 * const node = mergeSnapshots([workerA, workerB]);
 */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const out: MetricsSnapshot = { counters: {}, histograms: {} };
  for (const snapshot of snapshots) {
    for (const [name, series] of Object.entries(snapshot.counters)) {
      const target = (out.counters[name] ??= {});
      for (const [key, value] of Object.entries(series)) target[key] = (target[key] ?? 0) + value;
    }
    for (const [name, series] of Object.entries(snapshot.histograms)) {
      const target = (out.histograms[name] ??= {});
      for (const [key, value] of Object.entries(series)) {
        const existing = target[key];
        if (existing === undefined) { target[key] = { ...value, buckets: [...value.buckets] }; continue; }
        value.buckets.forEach((count, index) => { existing.buckets[index] = (existing.buckets[index] ?? 0) + count; });
        existing.sum += value.sum;
        existing.count += value.count;
      }
    }
  }
  return out;
}
