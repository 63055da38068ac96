// Pure helpers of the benchmark: parsing wrk's text report and reducing several runs to the
// medians the method in docs/benchmarks.md asks for. No I/O here so it can be unit-tested.

export interface WrkResult {
  requestsPerSecond: number;
  /** Bytes per second as wrk reports it (Transfer/sec, binary units). */
  transferPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  totalRequests: number;
  /** Responses outside 2xx/3xx; any such response makes the run suspect. */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

// wrk prints times with the units of its format_time(): us, ms, s, m, h.
const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// wrk prints sizes with binary prefixes (format_binary): B, KB, MB, GB, TB — powers of 1024.
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`unrecognised wrk duration: '${text}'`);
  return Number(match[1]) * TIME_UNITS_MS[match[2]];
}

export function parseWrkSize(text: string): number {
  const match = /^([\d.]+)([KMGT]?B)$/.exec(text.trim());
  if (!match) throw new Error(`unrecognised wrk size: '${text}'`);
  return Number(match[1]) * SIZE_UNITS[match[2]];
}

function requireMatch(output: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(output);
  if (!match) throw new Error(`wrk output has no ${what} (was --latency given?):\n${output}`);
  return match;
}

/** Parses the report of `wrk --latency`; throws when a required line is missing. */
export function parseWrkOutput(output: string): WrkResult {
  const percentile = (p: number): number =>
    parseWrkDuration(requireMatch(output, new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, 'm'), `${p}% latency`)[1]);
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  return {
    requestsPerSecond: Number(requireMatch(output, /^Requests\/sec:\s+([\d.]+)\s*$/m, 'Requests/sec')[1]),
    transferPerSecond: parseWrkSize(requireMatch(output, /^Transfer\/sec:\s+(\S+)\s*$/m, 'Transfer/sec')[1]),
    p50Ms: percentile(50),
    p75Ms: percentile(75),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    totalRequests: Number(requireMatch(output, /^\s*(\d+) requests in /m, 'request count')[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sockets
      ? { connect: Number(sockets[1]), read: Number(sockets[2]), write: Number(sockets[3]), timeout: Number(sockets[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
}

/** Median of a non-empty list; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** numerator / denominator, or null when either side is missing or the denominator is zero. */
export function ratio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator == null || denominator == null || denominator === 0) return null;
  return numerator / denominator;
}

/** One measured run: what wrk saw and what the system's process tree used meanwhile. */
export interface RunSample {
  wrk: WrkResult;
  /** CPU seconds (user + system) of the system's process tree during the run; null if unknown. */
  cpuSeconds: number | null;
  /** Share (0–1) of the system's CPU that other processes used during the run; null if unknown. */
  foreignCpuShare: number | null;
}

export interface TargetSummary {
  runs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median response bytes per second computed from req/s and the known body size. */
  bodyBytesPerSecond: number;
  /** Slowest and fastest run, to show how much the runs disagreed. */
  minRequestsPerSecond: number;
  maxRequestsPerSecond: number;
  peakRssBytes: number | null;
  /** Median CPU time (user + system, whole process tree) per request, in microseconds. */
  cpuMicrosPerRequest: number | null;
  /** Median share of the system's CPU taken by other processes during the runs. */
  foreignCpuShare: number | null;
  non2xx: number;
  socketErrors: number;
  /** Every measured run, for the JSON record. */
  raw: RunSample[];
  /** Runs redone because other processes disturbed them. */
  discarded: RunSample[];
}

/** Median of the values that are known, or null when any run lacks one. */
function medianOfKnown(values: readonly (number | null)[]): number | null {
  return values.length > 0 && values.every((value) => value !== null) ? median(values as number[]) : null;
}

/**
 * Reduces the measured runs of one target to medians (throughput, latency, CPU per request,
 * foreign load) and maxima (RSS, errors).
 */
export function summarizeRuns(samples: readonly RunSample[], bodyBytes: number, peakRssBytes: number | null): TargetSummary {
  const runs = samples.map((sample) => sample.wrk);
  const requestsPerSecond = median(runs.map((run) => run.requestsPerSecond));
  return {
    runs: runs.length,
    requestsPerSecond,
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    bodyBytesPerSecond: requestsPerSecond * bodyBytes,
    minRequestsPerSecond: Math.min(...runs.map((run) => run.requestsPerSecond)),
    maxRequestsPerSecond: Math.max(...runs.map((run) => run.requestsPerSecond)),
    peakRssBytes,
    cpuMicrosPerRequest: medianOfKnown(
      samples.map((sample) => (sample.cpuSeconds === null ? null : (sample.cpuSeconds * 1e6) / Math.max(1, sample.wrk.totalRequests))),
    ),
    foreignCpuShare: medianOfKnown(samples.map((sample) => sample.foreignCpuShare)),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    socketErrors: runs.reduce((sum, run) => {
      const errors = run.socketErrors;
      return sum + errors.connect + errors.read + errors.write + errors.timeout;
    }, 0),
    raw: [...samples],
    discarded: [],
  };
}
