// Prometheus text exposition (format 0.0.4) as Kong's nginx-lua-prometheus writes it: HELP and
// TYPE lines, metrics sorted by name, histogram buckets cumulative with `le` last and bucket
// bounds zero-padded to one width per metric (its construct_bucket_format), then `+Inf`.
import type { HistogramValue, MetricDefinition } from './metrics.ts';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((name, index) => `${name}="${escapeLabel(values[index] ?? '')}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * The `le` format of a bucket list: width = integer digits + 1 + decimals, at least one decimal.
 * @example
 * bucketFormatter([1, 6000])(1); // '0001.0'
 */
export function bucketFormatter(buckets: readonly number[]): (bound: number) => string {
  let order = 1;
  let precision = 1;
  for (const bound of buckets) {
    const [integer, fraction = ''] = String(bound).split('.');
    order = Math.max(order, integer!.length);
    precision = Math.max(precision, fraction.length);
  }
  const width = order + precision + 1;
  return (bound) => bound.toFixed(precision).padStart(width, '0');
}

export interface SeriesSet {
  /** Label values JSON → value (counters, gauges). */
  values?: Record<string, number>;
  histograms?: Record<string, HistogramValue>;
}

/**
 * One metric family; families without series still print HELP/TYPE (as Kong's registry does).
 * @example
 * renderFamily('kong_datastore_reachable', { type: 'gauge', help: '…', labels: [] }, { values: { '[]': 1 } });
 */
export function renderFamily(name: string, definition: MetricDefinition, series: SeriesSet): string {
  const lines = [`# HELP ${name} ${escapeHelp(definition.help)}`, `# TYPE ${name} ${definition.type}`];
  for (const [key, value] of Object.entries(series.values ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`${name}${labelText(definition.labels, JSON.parse(key) as string[])} ${formatValue(value)}`);
  }
  const buckets = definition.buckets ?? [];
  const format = bucketFormatter(buckets);
  const names = [...definition.labels, 'le'];
  for (const [key, histogram] of Object.entries(series.histograms ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const labels = JSON.parse(key) as string[];
    let cumulative = 0;
    buckets.forEach((bound, index) => {
      cumulative += histogram.buckets[index] ?? 0;
      lines.push(`${name}_bucket${labelText(names, [...labels, format(bound)])} ${cumulative}`);
    });
    lines.push(`${name}_bucket${labelText(names, [...labels, '+Inf'])} ${histogram.count}`);
    lines.push(`${name}_count${labelText(definition.labels, labels)} ${histogram.count}`);
    lines.push(`${name}_sum${labelText(definition.labels, labels)} ${formatValue(histogram.sum)}`);
  }
  return `${lines.join('\n')}\n`;
}
