// Command-line flags of `npm run bench`. Pure parsing so the defaults and --quick are testable.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES } from './scenarios.ts';
import type { ScenarioName } from './scenarios.ts';

export interface BenchOptions {
  scenarios: ScenarioName[];
  warmupSeconds: number;
  /** Unmeasured seconds of load right before every measured run (0 = none). */
  rewarmSeconds: number;
  durationSeconds: number;
  runs: number;
  connections: number;
  threads: number;
  /** Shell command for the system under test, or null for Portico. */
  targetCommand: string | null;
  targetName: string;
  /** false: measure the baselines only. */
  includeSubject: boolean;
  /** Where the Markdown goes; null = stdout only. */
  docsPath: string | null;
  startTimeoutMs: number;
  /** Longest wait before a measured run for the proxy CPU to be quiet; 0 = never wait. */
  quietWaitMs: number;
  /** Busy share of the proxy CPU (0–1) below which it counts as quiet. */
  quietMaxShare: number;
  /** Runs where other processes took more of the proxy CPU than this (0–1) are redone (at most --runs times). */
  maxForeignShare: number;
  keepTemp: boolean;
  /** Run Portico from the working tree instead of a snapshot of HEAD. */
  fromWorktree: boolean;
  quick: boolean;
  /** Where Portkey's gateway was installed for the ai scenario (npm install --prefix <dir>). */
  portkeyDir: string;
}

/** Outside the repository: Portkey is a comparison, never a dependency of Portico. */
export const DEFAULT_PORTKEY_DIR = join(tmpdir(), 'portkey-bench');

export const USAGE = `Usage: node bench/run.ts [options]
  --scenario <names>   comma-separated, repeatable: ${SCENARIO_NAMES.join(', ')} (default: all)
  --duration <s>       seconds per measured wrk run (default 10)
  --runs <n>           measured runs per system, medians reported (default 3)
  --warmup <s>         warm-up seconds per system and scenario (default 5)
  --rewarm <s>         unmeasured seconds of load right before every measured run, so a system
                       left idle while the others ran starts warm (default 2; 0 = none)
  --connections <n>    wrk connections (default 50)
  --quick              smoke run: 1 s warm-up, 2 s runs, 1 run, docs not written
  --target-cmd <cmd>   bench this command instead of Portico; placeholders {port} {admin_port}
                       {upstream_port} {config} {prefix}; the KONG_* env is set as for Portico
  --target-name <name> label of the system under test (default: portico, or "target")
  --baselines-only     measure only the baselines: the upstream direct, the nginx proxy, node-bare
  --docs <path>        Markdown output (default docs/benchmarks.md; --no-docs for stdout only)
  --no-docs            do not write the Markdown file
  --start-timeout <s>  how long the system under test may take to serve (default 60)
  --quiet-wait <s>     before each measured run, wait up to this long for the proxy CPU to be
                       idle (other people's work on a shared machine); 0 = never (default 30)
  --quiet-busy <pct>   the busy percentage below which the proxy CPU counts as idle (default 10)
  --max-foreign <pct>  redo a run when other processes took more than this percentage of the
                       proxy CPU during it; at most --runs redos per system (default 15)
  --from-worktree      run Portico from the working tree (default: a snapshot of the committed HEAD,
                       so concurrent edits cannot break or change the run)
  --render <json>      only re-render docs/benchmarks.md from a saved bench/results/*.json
  --portkey-dir <dir>  where \`npm install --prefix <dir> @portkey-ai/gateway\` put Portkey's gateway,
                       compared in the ai scenario (default ${DEFAULT_PORTKEY_DIR})
  --keep-temp          keep the temporary directory (configs, logs) for inspection`;

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number, got '${value}'`);
  return parsed;
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  const parsed = positiveNumber(name, value, fallback);
  if (!Number.isInteger(parsed)) throw new Error(`--${name} must be a whole number, got '${value}'`);
  return parsed;
}

export function parseBenchOptions(argv: readonly string[], defaultDocsPath: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      scenario: { type: 'string', multiple: true },
      duration: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      rewarm: { type: 'string' },
      connections: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'target-cmd': { type: 'string' },
      'target-name': { type: 'string' },
      'baselines-only': { type: 'boolean', default: false },
      docs: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      'start-timeout': { type: 'string' },
      'quiet-wait': { type: 'string' },
      'quiet-busy': { type: 'string' },
      'max-foreign': { type: 'string' },
      'keep-temp': { type: 'boolean', default: false },
      'from-worktree': { type: 'boolean', default: false },
      'portkey-dir': { type: 'string' },
    },
  });
  const requested = (values.scenario ?? []).flatMap((entry) => entry.split(',')).map((name) => name.trim());
  for (const name of requested) {
    if (!SCENARIO_NAMES.includes(name as ScenarioName)) {
      throw new Error(`unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(', ')})`);
    }
  }
  // Keep the canonical order so passthrough is measured before routes-10k is compared to it.
  const scenarios = requested.length === 0 ? [...SCENARIO_NAMES] : SCENARIO_NAMES.filter((name) => requested.includes(name));
  const quick = values.quick;
  const targetCommand = values['target-cmd'] ?? null;
  return {
    scenarios,
    warmupSeconds: positiveInteger('warmup', values.warmup, quick ? 1 : 5),
    rewarmSeconds: values.rewarm === '0' ? 0 : positiveInteger('rewarm', values.rewarm, quick ? 0 : 2),
    durationSeconds: positiveInteger('duration', values.duration, quick ? 2 : 10),
    runs: positiveInteger('runs', values.runs, quick ? 1 : 3),
    connections: positiveInteger('connections', values.connections, 50),
    threads: 1,
    targetCommand,
    targetName: values['target-name'] ?? (targetCommand === null ? 'portico' : 'target'),
    includeSubject: !values['baselines-only'],
    docsPath: values['no-docs'] || (quick && values.docs === undefined) ? null : (values.docs ?? defaultDocsPath),
    startTimeoutMs: positiveNumber('start-timeout', values['start-timeout'], 60) * 1000,
    quietWaitMs: values['quiet-wait'] === '0' ? 0 : positiveNumber('quiet-wait', values['quiet-wait'], quick ? 5 : 30) * 1000,
    quietMaxShare: positiveNumber('quiet-busy', values['quiet-busy'], 10) / 100,
    maxForeignShare: positiveNumber('max-foreign', values['max-foreign'], 15) / 100,
    keepTemp: values['keep-temp'],
    fromWorktree: values['from-worktree'],
    quick,
    portkeyDir: values['portkey-dir'] ?? DEFAULT_PORTKEY_DIR,
  };
}
