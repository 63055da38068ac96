// Runs one wrk measurement (`wrk -t1 -c50 -d<N>s --latency`), pinned to the load generator's CPU,
// and bounded in time: a wrk that overstays its duration by the grace period is killed.
import { spawnTracked, killTree } from './processes.ts';
import { parseWrkOutput } from './stats.ts';
import type { WrkResult } from './stats.ts';

export interface WrkOptions {
  url: string;
  durationSeconds: number;
  connections: number;
  threads: number;
  /** Path of a Lua script (-s), e.g. the routes-10k path picker. */
  script?: string;
  /** Extra request headers (-H "Name: value"). */
  headers?: Record<string, string>;
  cpus: string | null;
  wrkBinary?: string;
}

const GRACE_MS = 15_000;

export function wrkArguments(options: WrkOptions): string[] {
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    '--latency',
    // wrk's default 2 s timeout would count slow large-body responses as errors, not latency.
    '--timeout',
    '10s',
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.script) args.push('-s', options.script);
  args.push(options.url);
  return args;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const wrk = spawnTracked('wrk', options.wrkBinary ?? 'wrk', wrkArguments(options), { cpus: options.cpus });
  let stdout = '';
  wrk.child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const timer = setTimeout(() => void killTree(wrk.pid, 500), options.durationSeconds * 1000 + GRACE_MS);
  const code = await wrk.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${wrk.outputTail()}`);
  return parseWrkOutput(stdout);
}
