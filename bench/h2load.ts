// HTTP/2 load from h2load (Debian nghttp2-client), reported in wrk's shape so the HTTP/2 scenario
// goes through the same medians and tables. Latency percentiles come from h2load's --log-file
// (one line per request: start µs, status, duration µs) because its summary has only min/max/mean.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { runBounded } from './wrk.ts';
import type { WrkResult } from './stats.ts';

export interface H2loadOptions {
  url: string;
  durationSeconds: number;
  /** TCP connections; each carries `streams` concurrent requests. */
  connections: number;
  streams: number;
  cpus: string | null;
  /** Per-request log for the percentiles; without it latencies are reported as 0. */
  logFile?: string;
}

export function h2loadAvailable(): boolean {
  try {
    execFileSync('h2load', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export function h2loadArguments(options: H2loadOptions): string[] {
  const args = ['-t1', `-c${options.connections}`, `-m${options.streams}`, '-D', String(options.durationSeconds)];
  if (options.logFile) args.push(`--log-file=${options.logFile}`);
  args.push(options.url);
  return args;
}

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
}

/** Parses h2load's summary (and the per-request log's durations, µs) into a WrkResult. */
export function parseH2loadOutput(output: string, durationsMicros: readonly number[] = []): WrkResult {
  const finished = /finished in ([\d.]+)(ms|s), ([\d.]+) req\/s, ([\d.]+)([KMG]?B)\/s/.exec(output);
  const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  if (!finished || !requests || !status) throw new Error(`h2load output not recognised:\n${output.slice(-800)}`);
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  const sorted = [...durationsMicros].sort((a, b) => a - b);
  const ms = (share: number): number => percentile(sorted, share) / 1000;
  return {
    requestsPerSecond: Number(finished[3]),
    transferPerSecond: Number(finished[4]) * units[finished[5]],
    p50Ms: ms(0.5),
    p75Ms: ms(0.75),
    p90Ms: ms(0.9),
    p99Ms: ms(0.99),
    totalRequests: Number(requests[3]),
    non2xx: Number(status[3]) + Number(status[4]),
    // h2load's failed requests (stream errors, resets, timeouts) count as socket errors.
    socketErrors: { connect: 0, read: Number(requests[5]), write: 0, timeout: Number(requests[7]) },
  };
}

/** Durations (µs) of the successful requests in an h2load --log-file. */
export function parseH2loadLog(text: string): number[] {
  const durations: number[] = [];
  for (const line of text.split('\n')) {
    const [, code, micros] = line.split('\t');
    if (code !== undefined && Number(code) > 0 && micros !== undefined) durations.push(Number(micros));
  }
  return durations;
}

export async function runH2load(options: H2loadOptions): Promise<WrkResult> {
  const stdout = await runBounded('h2load', 'h2load', h2loadArguments(options), options.durationSeconds, options.cpus);
  let durations: number[] = [];
  if (options.logFile) {
    durations = parseH2loadLog(readFileSync(options.logFile, 'utf8'));
    rmSync(options.logFile, { force: true });
  }
  const result = parseH2loadOutput(stdout, durations);
  if (result.totalRequests === 0) throw new Error(`h2load completed no request: ${stdout.slice(-300)}`);
  return result;
}
