// `npm run bench`: Portico against nginx baselines measured in the same run (method: see
// docs/benchmarks.md and /work/shared/perf/README.md). Everything listens on 127.0.0.1 only, every
// step is bounded in time, and every process started here is killed by PID when it ends.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { collectMachineFacts, cpuCount, otherToolVersions, pinSelf } from './machine.ts';
import { measureScenario } from './measure.ts';
import { startBaselines } from './nginx.ts';
import { parseBenchOptions, USAGE } from './options.ts';
import { killAllTracked, killAllTrackedNow } from './processes.ts';
import { startNodeBare } from './node-bare.ts';
import { answersCorrectly, startTarget } from './portico.ts';
import { DIRECT, NGINX_PROXY, NODE_BARE, renderMarkdown } from './report.ts';
import { SCENARIOS } from './scenarios.ts';
import { aiSystems, Collector, pluginSystems, tlsSystems } from './systems.ts';
import type { Scenario } from './scenarios.ts';
import { snapshotHead, workingTreeSource } from './source.ts';
import type { BenchOptions } from './options.ts';
import type { BenchReport, ScenarioResult } from './report.ts';
import type { ScenarioSystems } from './systems.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Upper bound of the whole run; past it the watchdog kills everything and exits non-zero. */
function expectedSeconds(options: BenchOptions): number {
  // Each run may be redone once (see --max-foreign), each after a bounded wait for a quiet CPU.
  const perSystem = options.warmupSeconds + 2 * options.runs * (options.rewarmSeconds + options.durationSeconds + options.quietWaitMs / 1000);
  // Four systems in the baselines scenarios (direct, nginx, node-bare, subject).
  return options.scenarios.length * (4 * perSystem + options.startTimeoutMs / 1000);
}

/** direct, nginx proxy, node-bare and (unless --baselines-only) the subject with the scenario's config. */
async function baselineSystems(
  options: BenchOptions, scenario: Scenario, scenarioDir: string, sourceRoot: string, upstreamPort: number, proxyPort: number,
  upstreamPid: number, proxyPid: number, proxyCpus: string | null, proxyCpu: number | null,
): Promise<ScenarioSystems> {
  const collector = new Collector(log);
  collector.systems.push(
    // The upstream shares its CPU with wrk, so no foreign-load figure for it.
    { name: DIRECT, port: upstreamPort, rootPid: upstreamPid, cpu: null },
    { name: NGINX_PROXY, port: proxyPort, rootPid: proxyPid, cpu: proxyCpu },
  );
  const ready = (port: number): Promise<boolean> => answersCorrectly(port, scenario);
  // A baseline like nginx, so it runs with --baselines-only too.
  await collector.add(NODE_BARE, () => startNodeBare({
    dir: scenarioDir, upstreamPort, ai: false, cpus: proxyCpus, startTimeoutMs: options.startTimeoutMs, ready,
  }), proxyCpu);
  if (options.includeSubject) {
    await collector.add(options.targetName, async () => {
      const subject = await startTarget({
        sourceRoot, dir: join(scenarioDir, 'target'), upstreamPort, scenario, cpus: proxyCpus,
        targetCommand: options.targetCommand, startTimeoutMs: options.startTimeoutMs,
      });
      return { system: { port: subject.port, rootPid: subject.rootPid() }, stop: subject.stop };
    }, proxyCpu);
  }
  return collector.result();
}

async function bench(options: BenchOptions, tempDir: string): Promise<BenchReport> {
  const twoCpus = cpuCount() >= 2;
  const proxyCpus = twoCpus ? '0' : null;
  const loadCpus = twoCpus ? '1' : null;
  const proxyCpu = twoCpus ? 0 : null;
  const notes: string[] = [];
  if (!twoCpus) notes.push('Fewer than 2 CPUs: nothing was pinned, so load generator and proxy shared the CPU.');
  // Before pinning: nproc counts only the CPUs this process may use.
  const machine = { ...collectMachineFacts(loadavg()[0]), otherTools: otherToolVersions(options.portkeyDir) };
  if (loadCpus !== null) pinSelf(loadCpus);

  // --target-cmd runs in the checkout as it is; Portico from HEAD unless --from-worktree.
  const source =
    options.targetCommand !== null || options.fromWorktree
      ? workingTreeSource(repoRoot)
      : snapshotHead(repoRoot, join(tempDir, 'source'));
  if (options.includeSubject) log(`${options.targetName} runs from ${source.description}`);

  const { upstream, proxy } = await startBaselines(tempDir, loadCpus, proxyCpus);
  const upstreamPort = upstream.port;
  const proxyPort = proxy.port;
  log(`upstream nginx on ${upstreamPort} (pid ${upstream.process.pid}), nginx proxy on ${proxyPort} (pid ${proxy.process.pid})`);

  const scenarios: ScenarioResult[] = [];
  for (const name of options.scenarios) {
    const scenario = SCENARIOS[name];
    log(`scenario ${name}: ${scenario.description}`);
    const scenarioDir = join(tempDir, name);
    mkdirSync(scenarioDir, { recursive: true });
    let built: ScenarioSystems;
    if (scenario.systems === 'baselines') {
      built = await baselineSystems(options, scenario, scenarioDir, source.root, upstreamPort, proxyPort, upstream.process.pid, proxy.process.pid, proxyCpus, proxyCpu);
    } else {
      const build = { plugins: pluginSystems, ai: aiSystems, tls: tlsSystems }[scenario.systems];
      built = await build({
        scenario, dir: scenarioDir, runDir: tempDir, upstreamPort, sourceRoot: source.root, proxyCpus, proxyCpu, loadCpus,
        targetCommand: options.targetCommand, targetName: options.targetName, startTimeoutMs: options.startTimeoutMs,
        portkeyDir: options.portkeyDir, log,
      });
    }
    try {
      const outcomes = await measureScenario(scenario, built.systems, { ...options, loadCpus, dir: scenarioDir, log, quietCpu: proxyCpu });
      for (const failure of built.failures) outcomes.push({ target: failure.target, summary: null, error: failure.error });
      scenarios.push({ scenario: name, description: scenario.description, bodyBytes: scenario.bodyBytes, outcomes });
    } finally {
      await built.stop();
    }
  }

  if (options.quick) notes.push('Smoke run (--quick): short durations, single runs; not a measurement to quote.');
  if (options.includeSubject && scenarios.every((result) => result.outcomes.some((o) => o.target === options.targetName && o.summary === null))) {
    notes.push(`${options.targetName} produced no numbers in this run; only the baselines were measured.`);
  }
  notes.push(
    'The nginx proxy streams the 1 MiB body through memory with 64k buffers (`proxy_max_temp_file_size 0`, ' +
      '`proxy_buffers 8 64k`); with its 4k/8k defaults it spools to temp files and spends ~4× the CPU per response.',
  );
  return {
    date: new Date().toISOString(),
    subject: options.targetName,
    subjectCommand: !options.includeSubject
      ? null
      : `${proxyCpus === null ? '' : `taskset -c ${proxyCpus} `}${options.targetCommand ?? 'node src/cli/index.ts start'}`,
    subjectSource: options.includeSubject ? source.description : null,
    machine: { ...machine, loadAverageAfter: loadavg()[0] },
    method: {
      warmupSeconds: options.warmupSeconds,
      rewarmSeconds: options.rewarmSeconds,
      durationSeconds: options.durationSeconds,
      runs: options.runs,
      connections: options.connections,
      threads: options.threads,
      proxyCpus,
      loadCpus,
      quietWaitSeconds: options.quietWaitMs / 1000,
      quietMaxShare: options.quietMaxShare,
      maxForeignShare: options.maxForeignShare,
    },
    scenarios,
    notes,
  };
}

/** Removed on every way out unless --keep-temp; module-level so the signal handlers see it. */
let tempDir: string | null = null;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const renderIndex = argv.indexOf('--render');
  if (renderIndex !== -1) {
    // Re-render the page from a saved run (bench/results/*.json) without measuring again.
    const report = JSON.parse(readFileSync(argv[renderIndex + 1] ?? '', 'utf8')) as BenchReport;
    const docsPath = join(repoRoot, 'docs', 'benchmarks.md');
    writeFileSync(docsPath, renderMarkdown(report));
    log(`rendered ${argv[renderIndex + 1]} into ${docsPath}`);
    return 0;
  }
  const options = parseBenchOptions(argv, join(repoRoot, 'docs', 'benchmarks.md'));
  if (Number(process.versions.node.split('.')[0]) < 24) throw new Error(`Node 24 is required, this is ${process.version}`);
  tempDir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
  // nginx workers run as an unprivileged user when started by root; they must reach the static file.
  chmodSync(tempDir, 0o755);
  const watchdog = setTimeout(() => {
    log('bench exceeded its time budget; stopping everything');
    killAllTrackedNow();
    process.exit(3);
  }, (expectedSeconds(options) * 2 + 120) * 1000);
  watchdog.unref();
  try {
    const report = await bench(options, tempDir);
    const markdown = renderMarkdown(report);
    const resultsDir = join(repoRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const jsonFile = join(resultsDir, `${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    if (options.docsPath !== null) writeFileSync(options.docsPath, markdown);
    process.stdout.write(markdown);
    log(`results: ${jsonFile}${options.docsPath === null ? '' : `, ${options.docsPath}`}`);
    return 0;
  } finally {
    clearTimeout(watchdog);
    await killAllTracked();
    if (options.keepTemp) log(`temporary files kept in ${tempDir}`);
    else rmSync(tempDir, { recursive: true, force: true });
    tempDir = null;
  }
}

process.on('exit', killAllTrackedNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllTrackedNow();
    if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
