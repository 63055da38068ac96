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

/** Runs a load generator to completion (killed when it overstays by GRACE_MS); its stdout. */
export async function runBounded(label: string, binary: string, args: readonly string[], durationSeconds: number, cpus: string | null): Promise<string> {
  const child = spawnTracked(label, binary, args, { cpus });
  let stdout = '';
  child.child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const timer = setTimeout(() => void killTree(child.pid, 500), durationSeconds * 1000 + GRACE_MS);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${label} exited with ${code}: ${child.outputTail()}`);
  return stdout;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const stdout = await runBounded('wrk', options.wrkBinary ?? 'wrk', wrkArguments(options), options.durationSeconds, options.cpus);
  return parseWrkOutput(stdout);
}
