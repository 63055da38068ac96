// Renders a bench run as the Markdown page docs/benchmarks.md. Pure: the run's data in, text out.
import { ratio } from './stats.ts';
import { renderTargetsTable, scenarioExtras, scenarioMethods } from './report-extra.ts';
import type { TargetSummary } from './stats.ts';
import type { ScenarioName } from './scenarios.ts';

export const DIRECT = 'direct';
export const NGINX_PROXY = 'nginx-proxy';
/** bench/bare-proxy.ts: node:http + undici and nothing else, the ceiling of a Node gateway here. */
export const NODE_BARE = 'node-bare';
/** Where node-bare runs; their tables keep its column even for runs recorded before it existed (–). */
export const NODE_BARE_SCENARIOS: readonly ScenarioName[] = ['passthrough', 'routes-10k', 'large-body', 'ai'];

/** One wrk run below saturation (Scenario.lightLoadConnections). */
export interface LightLoadResult {
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface TargetOutcome {
  target: string;
  summary: TargetSummary | null;
  /** Latency below saturation, where the scenario asks for it. */
  light?: LightLoadResult | null;
  /** Why there are no numbers (failed to start, wrk failed …). */
  error: string | null;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  description: string;
  bodyBytes: number;
  outcomes: TargetOutcome[];
}

export interface MachineFacts {
  cpuModel: string;
  cpuCount: number;
  memoryTotal: string;
  kernel: string;
  nodeVersion: string;
  /** 1-minute load average before and after the run: other work on the machine adds noise. */
  loadAverageBefore: number;
  loadAverageAfter: number;
  nginxVersion: string;
  wrkVersion: string;
  /** h2load, Redis and Portkey versions (absent in runs recorded before they were benched). */
  otherTools?: string;
}

export interface MethodFacts {
  warmupSeconds: number;
  /** Absent in results saved before it existed. */
  rewarmSeconds?: number;
  durationSeconds: number;
  runs: number;
  connections: number;
  threads: number;
  proxyCpus: string | null;
  loadCpus: string | null;
  /** Longest wait for an idle proxy CPU before each measured run (0 = no waiting). */
  quietWaitSeconds: number;
  quietMaxShare: number;
  maxForeignShare: number;
}

export interface BenchReport {
  date: string;
  /** The system under test's name in tables ("portico" or --target-name). */
  subject: string;
  /** How the subject was started (for the record); null when only baselines ran. */
  subjectCommand: string | null;
  /** Which code ran: a commit snapshot or the working tree; null when only baselines ran. */
  subjectSource: string | null;
  machine: MachineFacts;
  method: MethodFacts;
  scenarios: ScenarioResult[];
  notes: string[];
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatRatio(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

function formatMs(value: number): string {
  return `${value.toFixed(2)} ms`;
}

function formatMiB(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatPercent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)} %`;
}

function formatMBps(bytesPerSecond: number): string {
  return `${integer.format(bytesPerSecond / 1_000_000)} MB/s`;
}

/** Free text made safe for one Markdown table cell: no pipes or line breaks, bounded length. */
export function tableCell(text: string, maxLength = 200): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

export function findSummary(result: ScenarioResult | undefined, target: string): TargetSummary | null {
  return result?.outcomes.find((outcome) => outcome.target === target)?.summary ?? null;
}

function warnings(summary: TargetSummary): string {
  const parts: string[] = [];
  if (summary.non2xx > 0) parts.push(`${summary.non2xx} non-2xx`);
  if (summary.socketErrors > 0) parts.push(`${summary.socketErrors} socket errors`);
  return parts.length > 0 ? ` ⚠ ${parts.join(', ')}` : '';
}

export function renderScenarioTable(result: ScenarioResult): string {
  const withThroughput = result.bodyBytes >= 100_000;
  const nginx = findSummary(result, NGINX_PROXY);
  const direct = findSummary(result, DIRECT);
  const withBare = NODE_BARE_SCENARIOS.includes(result.scenario);
  const bare = findSummary(result, NODE_BARE);
  const columns = [
    'system', 'req/s', 'runs min–max', ...(withThroughput ? ['MB/s'] : []), 'p50', 'p99', 'CPU µs/req', 'others on its CPU', 'peak RSS',
    '÷ nginx proxy', '÷ direct', ...(withBare ? ['÷ node-bare'] : []),
  ];
  const lines = [`| ${columns.join(' | ')} |`, `|${columns.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`];
  for (const outcome of result.outcomes) {
    const summary = outcome.summary;
    if (summary === null) {
      lines.push(`| ${outcome.target} | ${tableCell(outcome.error ?? 'no result')} |${' |'.repeat(columns.length - 2)}`);
      continue;
    }
    const cells = [
      outcome.target,
      `${integer.format(summary.requestsPerSecond)}${warnings(summary)}`,
      `${integer.format(summary.minRequestsPerSecond)}–${integer.format(summary.maxRequestsPerSecond)}`,
      ...(withThroughput ? [formatMBps(summary.bodyBytesPerSecond)] : []),
      formatMs(summary.p50Ms),
      formatMs(summary.p99Ms),
      summary.cpuMicrosPerRequest === null ? '–' : summary.cpuMicrosPerRequest.toFixed(1),
      `${formatPercent(summary.foreignCpuShare)}${summary.discarded.length > 0 ? ` (${summary.discarded.length} redone)` : ''}`,
      formatMiB(summary.peakRssBytes),
      formatRatio(ratio(summary.requestsPerSecond, nginx?.requestsPerSecond)),
      formatRatio(ratio(summary.requestsPerSecond, direct?.requestsPerSecond)),
      ...(withBare ? [formatRatio(ratio(summary.requestsPerSecond, bare?.requestsPerSecond))] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * The headline ratios: subject vs nginx proxy, direct and node-bare per scenario, and the cost of
 * 10k routes. "÷ node-bare" is the subject's own cost; "node-bare ÷ nginx proxy" is Node's ceiling.
 */
export function renderRatioTable(report: BenchReport): string {
  const { subject } = report;
  const lines = [
    `| scenario | ${subject} ÷ nginx proxy | ${subject} ÷ direct | nginx CPU/req ÷ ${subject} CPU/req | ${subject} ÷ node-bare | node-bare CPU/req ÷ ${subject} CPU/req | node-bare ÷ nginx proxy |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  // The plugin and AI scenarios have their own tables; https/http2 compare against nginx over TLS.
  for (const result of report.scenarios.filter((entry) => entry.scenario !== 'plugins' && entry.scenario !== 'ai')) {
    const mine = findSummary(result, subject);
    const measure = (summary: TargetSummary | null): number | undefined =>
      result.bodyBytes >= 100_000 ? summary?.bodyBytesPerSecond : summary?.requestsPerSecond;
    const nginx = findSummary(result, NGINX_PROXY);
    const bare = findSummary(result, NODE_BARE);
    const cells = [
      result.scenario,
      formatRatio(ratio(measure(mine), measure(nginx))),
      formatRatio(ratio(measure(mine), measure(findSummary(result, DIRECT)))),
      formatRatio(ratio(nginx?.cpuMicrosPerRequest, mine?.cpuMicrosPerRequest)),
      formatRatio(ratio(measure(mine), measure(bare))),
      formatRatio(ratio(bare?.cpuMicrosPerRequest, mine?.cpuMicrosPerRequest)),
      formatRatio(ratio(measure(bare), measure(nginx))),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const one = report.scenarios.find((result) => result.scenario === 'passthrough');
  const many = report.scenarios.find((result) => result.scenario === 'routes-10k');
  if (one && many) {
    const raw = ratio(findSummary(many, subject)?.requestsPerSecond, findSummary(one, subject)?.requestsPerSecond);
    // wrk's Lua request picker costs the load generator too; dividing by nginx's own 10k/1 ratio
    // (nginx proxies every path with one location) leaves the router's share.
    const nginxRaw = ratio(findSummary(many, NGINX_PROXY)?.requestsPerSecond, findSummary(one, NGINX_PROXY)?.requestsPerSecond);
    lines.push('');
    lines.push('| 10k routes vs 1 route | req/s ratio |', '|---|---:|');
    lines.push(`| ${subject}: routes-10k ÷ passthrough | ${formatRatio(raw)} |`);
    lines.push(`| nginx proxy: routes-10k ÷ passthrough (load-generator cost of the Lua picker) | ${formatRatio(nginxRaw)} |`);
    lines.push(`| ${subject}, normalised by nginx's ratio (the router's own cost) | ${formatRatio(ratio(raw, nginxRaw))} |`);
    // CPU per request leaves out wrk and other processes: the steadier view of the same cost.
    const cpuRatio = ratio(findSummary(one, subject)?.cpuMicrosPerRequest, findSummary(many, subject)?.cpuMicrosPerRequest);
    lines.push(`| ${subject}: CPU/req of passthrough ÷ CPU/req of routes-10k (1.00 = 10k routes cost nothing) | ${formatRatio(cpuRatio)} |`);
  }
  return lines.join('\n');
}

/** Observations that follow from the numbers themselves, so every rendering states them. */
export function derivedNotes(report: BenchReport): string[] {
  const notes: string[] = [];
  for (const result of report.scenarios) {
    const nginx = findSummary(result, NGINX_PROXY);
    const direct = findSummary(result, DIRECT);
    const proxyVsDirect = ratio(nginx?.requestsPerSecond, direct?.requestsPerSecond);
    // A proxy cannot beat the server behind it by much; when nginx keeps up with direct, the shared
    // load CPU (wrk + upstream) is the limit, and ratios against both understate the headroom.
    if (proxyVsDirect !== null && proxyVsDirect >= 0.9) {
      notes.push(
        `${result.scenario}: the nginx proxy reached ${proxyVsDirect.toFixed(2)} of direct, so the load CPU ` +
          '(wrk and the upstream) set the ceiling for the baselines; compare CPU µs/req there.',
      );
    }
  }
  return notes;
}

/** Above this median share of foreign load on the proxy CPU, throughput numbers are flagged. */
export const DISTURBED_SHARE = 0.05;

export function largestForeignShare(report: BenchReport): number | null {
  const shares = report.scenarios.flatMap((result) =>
    result.outcomes.map((outcome) => outcome.summary?.foreignCpuShare ?? null).filter((share) => share !== null),
  );
  return shares.length === 0 ? null : Math.max(...shares);
}

/** The node-bare baseline in the Method section, for runs that measured it. */
export function nodeBareMethod(report: BenchReport): string[] {
  if (!report.scenarios.some((result) => result.outcomes.some((outcome) => outcome.target === NODE_BARE))) return [];
  return [
    '- **node-bare** (`bench/bare-proxy.ts`, in the same run and pinned to the proxy CPU like the system under test): a bare',
    '  node:http server forwarding through an undici `Pool` (128 keep-alive connections) with the `dispatch` handler API, hop-by-hop',
    '  headers dropped, bodies streamed, no timeouts, routing or plugins; in ai it reads the OpenAI chat body, POSTs the Anthropic',
    '  Messages JSON to the mock and answers an OpenAI `chat.completion`. It is the ceiling of a Node gateway on this machine: "÷ nginx',
    `  proxy" alone cannot tell a slow ${report.subject} from a slow Node, "${report.subject} ÷ node-bare" can (1.00 = no cost beyond Node's own).`,
  ];
}

export function renderMarkdown(report: BenchReport): string {
  const { machine, method } = report;
  const pin = (cpus: string | null): string => (cpus === null ? 'unpinned' : `CPU ${cpus}`);
  const sections = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${report.date}. Every number below was measured in that one run;`,
    'absolute numbers on these machines drift 10–15 % between runs, while ratios measured in the same run hold within',
    'about ±0.03, so compare the ratios. Admin API write rates and write-to-proxy lag: [benchmarks-admin.md](benchmarks-admin.md).',
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cpuCount} logical CPUs (nproc)`,
    `- Memory: ${machine.memoryTotal} total (free)`,
    `- Kernel: ${machine.kernel}`,
    `- Node: ${machine.nodeVersion} (runs ${report.subject})`,
    `- Baselines: ${machine.nginxVersion}; load: ${machine.wrkVersion}`,
    ...(machine.otherTools === undefined ? [] : [`- ${machine.otherTools}`]),
    `- 1-minute load average: ${machine.loadAverageBefore.toFixed(2)} before, ${machine.loadAverageAfter.toFixed(2)} after the run`,
    '',
    '## Method',
    '',
    '- Systems compared in the same run: **direct** (the nginx upstream itself), **nginx-proxy** (nginx, 1 worker,',
    report.subjectCommand === null
      ? '  reverse proxy with upstream keep-alive); no system under test in this run (--baselines-only).'
      : `  reverse proxy with upstream keep-alive) and **${report.subject}** (\`${report.subjectCommand}\`, from ${report.subjectSource ?? 'the working tree'}).`,
    ...nodeBareMethod(report),
    '- Upstream: nginx, 1 worker, `return 200` with a 100-byte body; a static 1 MiB file for large-body.',
    `- Pinning: the proxy under test on ${pin(method.proxyCpus)}; wrk and the upstream on ${pin(method.loadCpus)} (\`taskset\`).`,
    `- Load: \`wrk -t${method.threads} -c${method.connections} -d${method.durationSeconds}s --latency\` (keep-alive) after a`,
    `  ${method.warmupSeconds} s warm-up per system; ${method.runs} run(s) per system, interleaved between systems${(method.rewarmSeconds ?? 0) > 0 ? `, each right after an unmeasured ${method.rewarmSeconds} s run against the same system` : ''}; medians of`,
    '  req/s, p50 and p99.' + ((method.rewarmSeconds ?? 0) > 0
      ? ' (After ~30 s idle while the others run, every Node process here answers its first second of load with a 50–150 ms p99 and nginx does not: the unmeasured run keeps that start-up effect out of the steady-state numbers.)'
      : ''),
    '  Peak RSS is the largest sum of VmRSS over the process tree (master/primary and',
    '  workers) sampled every 200 ms during the measured runs. CPU µs/req is the user+system CPU time of that',
    '  tree during a run divided by the requests wrk completed (median over runs); unlike req/s it barely moves',
    '  when other work shares the machine, so "nginx CPU/req ÷ CPU/req" is the steadier efficiency ratio.',
    '  "Others on its CPU" is the share of the proxy CPU that processes outside the measured tree used during',
    '  the runs (from /proc/stat); it should be near 0 %.',
    method.quietWaitSeconds > 0 && method.proxyCpus !== null
      ? `- Before each measured run the harness waits up to ${method.quietWaitSeconds} s for CPU ${method.proxyCpus} to be under ${Math.round(method.quietMaxShare * 100)} % busy (other work on a shared machine).`
      : '- No waiting for an idle proxy CPU before the runs (--quiet-wait 0 or no pinning).',
    `- A proxy run during which other processes took more than ${Math.round(method.maxForeignShare * 100)} % of its CPU is measured again (at most ${method.runs} redos per system and scenario); the medians use the ${method.runs} least disturbed runs, "(n redone)" counts the others.`,
    '- Ratios are req/s ratios (large-body: MB/s of response body). "÷ nginx proxy" is the practical target.',
    ...scenarioMethods(report),
    '',
    '## Results',
  ];
  const disturbance = largestForeignShare(report);
  if (disturbance !== null && disturbance > DISTURBED_SHARE) {
    sections.push(
      '',
      `> Other processes took up to ${formatPercent(disturbance)} of the proxy CPU during this run ("others on its CPU"):`,
      '> req/s and latency are disturbed by that, and so are their ratios. CPU µs/req is not; prefer it.',
    );
  }
  for (const result of report.scenarios) {
    sections.push('', `### ${result.scenario}`, '', result.description, '', renderScenarioTable(result));
    const extra = scenarioExtras(result, report.subject);
    if (extra !== null) sections.push('', extra);
  }
  if (report.subjectCommand !== null) sections.push('', '## Ratios', '', renderRatioTable(report));
  const targets = renderTargetsTable(report);
  if (targets !== '') sections.push('', '## Targets', '', targets);
  const notes = [...report.notes, ...derivedNotes(report)];
  if (notes.length > 0) sections.push('', '## Notes', '', ...notes.map((note) => `- ${note}`));
  sections.push(
    '',
    '## Reproduce',
    '',
    'Needs Linux, 2+ CPUs, `wrk` and `nginx` (Debian packages) and Node 24 (`./node_modules/.bin/node`); for plugins a Redis on',
    '127.0.0.1:6379, for http2 `h2load` (Debian `nghttp2-client`), for the Portkey column of ai',
    '`npm install --prefix /tmp/portkey-bench @portkey-ai/gateway` (outside the repository; `--portkey-dir` to point elsewhere).',
    '',
    '```sh',
    'npm run bench                                   # all scenarios, rewrites this page; JSON in bench/results/',
    'npm run bench -- --quick                        # smoke run, prints the tables only',
    'npm run bench -- --scenario routes-10k --runs 5',
    'npm run bench -- --scenario plugins,ai             # plugin costs and the AI path only',
    'node bench/run.ts --render bench/results/<run>.json  # re-render this page from a saved run',
    "npm run bench -- --target-cmd 'node my-proxy.js {port} {upstream_port}' --target-name my-proxy",
    '```',
  );
  return `${sections.join('\n')}\n`;
}
