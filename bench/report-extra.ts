// Tables of the plugin, AI and TLS scenarios and the "Targets" table of the issues (4–7): costs
// against Portico passthrough, Portico against Portkey, Portico against nginx over TLS. Pure.
import { PLUGIN_VARIANTS } from './scenarios-extra.ts';
import { ratio } from './stats.ts';
import { DIRECT, findSummary, NGINX_PROXY, NODE_BARE, type LightLoadResult } from './report.ts';
import type { BenchReport, ScenarioResult } from './report.ts';

export const PORTKEY = 'portkey';
/** Portkey started with --headless and NODE_ENV=production (its fastest mode). */
export const PORTKEY_HEADLESS = 'portkey-headless';

export interface TargetRow {
  target: string;
  measured: string;
  met: boolean | null;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function fixed(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

interface PluginCost {
  variant: string;
  maxCost: number;
  /** Share of passthrough's req/s lost (1 − ratio); null without numbers. */
  throughputCost: number | null;
  /** Extra CPU per request against passthrough (ratio − 1). */
  cpuCost: number | null;
  rpsRatio: number | null;
  cpuRatio: number | null;
}

export function pluginCosts(result: ScenarioResult, subject: string): PluginCost[] {
  const base = findSummary(result, subject);
  return PLUGIN_VARIANTS.map((variant) => {
    const mine = findSummary(result, `${subject}+${variant.name}`);
    const rpsRatio = ratio(mine?.requestsPerSecond, base?.requestsPerSecond);
    const cpuRatio = ratio(mine?.cpuMicrosPerRequest ?? undefined, base?.cpuMicrosPerRequest ?? undefined);
    return {
      variant: variant.name,
      maxCost: variant.maxCost,
      rpsRatio,
      cpuRatio,
      throughputCost: rpsRatio === null ? null : 1 - rpsRatio,
      cpuCost: cpuRatio === null ? null : cpuRatio - 1,
    };
  });
}

export function renderPluginCostTable(result: ScenarioResult, subject: string): string {
  const lines = [
    `| plugins | req/s ÷ ${subject} passthrough | throughput cost | CPU µs/req ÷ passthrough's | CPU cost | target |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const cost of pluginCosts(result, subject)) {
    lines.push(
      `| ${cost.variant} | ${fixed(cost.rpsRatio)} | ${cost.throughputCost === null ? '–' : percent(cost.throughputCost)} | ` +
        `${fixed(cost.cpuRatio)} | ${cost.cpuCost === null ? '–' : percent(cost.cpuCost)} | < ${percent(cost.maxCost)} |`,
    );
  }
  return lines.join('\n');
}

function findLight(result: ScenarioResult | undefined, target: string): LightLoadResult | null {
  return result?.outcomes.find((outcome) => outcome.target === target)?.light ?? null;
}

/** p99 added to a request below saturation: the system's light-load p99 minus the mock's own. */
export function lightOverhead(result: ScenarioResult, target: string): { connections: number; ms: number } | null {
  const mine = findLight(result, target);
  const direct = findLight(result, DIRECT);
  return mine && direct ? { connections: mine.connections, ms: mine.p99Ms - direct.p99Ms } : null;
}

export function renderAiTable(result: ScenarioResult, subject: string): string {
  const mine = findSummary(result, subject);
  const portkey = findSummary(result, PORTKEY);
  const direct = findSummary(result, DIRECT);
  const bare = findSummary(result, NODE_BARE);
  const overhead = mine && direct ? mine.p99Ms - direct.p99Ms : null;
  const rows = [
    '| comparison | value |',
    '|---|---:|',
    `| ${subject} req/s ÷ Portkey req/s (as started by default) | ${fixed(ratio(mine?.requestsPerSecond, portkey?.requestsPerSecond))} |`,
    `| ${subject} req/s ÷ Portkey req/s (headless, production) | ${fixed(ratio(mine?.requestsPerSecond, findSummary(result, PORTKEY_HEADLESS)?.requestsPerSecond))} |`,
    // What Node itself allows for this translation, and how much of it the subject reaches.
    `| node-bare req/s ÷ Portkey req/s (as started by default) | ${fixed(ratio(bare?.requestsPerSecond, portkey?.requestsPerSecond))} |`,
    `| ${subject} req/s ÷ node-bare req/s | ${fixed(ratio(mine?.requestsPerSecond, bare?.requestsPerSecond))} |`,
    `| ${subject} req/s ÷ mock direct req/s | ${fixed(ratio(mine?.requestsPerSecond, direct?.requestsPerSecond))} |`,
    `| ${subject} p99 − mock direct p99, saturated | ${overhead === null ? '–' : `${overhead.toFixed(2)} ms`} |`,
  ];
  for (const target of [subject, NODE_BARE, NGINX_PROXY, PORTKEY, PORTKEY_HEADLESS]) {
    const light = lightOverhead(result, target);
    if (light === null) continue;
    const own = findLight(result, target)!;
    rows.push(`| ${target} p99 − mock direct p99 at ${light.connections} connection(s) (p50 ${own.p50Ms.toFixed(2)} ms, p99 ${own.p99Ms.toFixed(2)} ms) | ${light.ms.toFixed(2)} ms |`);
  }
  const mineLight = findLight(result, subject);
  const nginxLight = findLight(result, NGINX_PROXY);
  if (mineLight && nginxLight && mineLight.connections === nginxLight.connections) {
    rows.push(`| ${subject} p99 − nginx-proxy p99 at ${mineLight.connections} connection(s) (the gateway's own share beyond a proxy hop) | ${(mineLight.p99Ms - nginxLight.p99Ms).toFixed(2)} ms |`);
  }
  rows.push(`| Portkey CPU µs/req ÷ ${subject} CPU µs/req (default; headless) | ${fixed(ratio(portkey?.cpuMicrosPerRequest ?? undefined, mine?.cpuMicrosPerRequest ?? undefined))}; ${fixed(ratio(findSummary(result, PORTKEY_HEADLESS)?.cpuMicrosPerRequest ?? undefined, mine?.cpuMicrosPerRequest ?? undefined))} |`);
  return rows.join('\n');
}

/** The issues' aims, met or not with the number measured in this run. */
export function targetRows(report: BenchReport): TargetRow[] {
  const { subject } = report;
  const rows: TargetRow[] = [];
  const byName = (name: string): ScenarioResult | undefined => report.scenarios.find((result) => result.scenario === name);
  const plugins = byName('plugins');
  if (plugins) {
    for (const cost of pluginCosts(plugins, subject)) {
      const value = cost.throughputCost;
      rows.push({
        target: `${cost.variant}: cost < ${percent(cost.maxCost)} vs passthrough`,
        measured: value === null ? 'no numbers' : `${percent(value)} req/s, ${cost.cpuCost === null ? '–' : percent(cost.cpuCost)} CPU/req`,
        met: value === null ? null : value < cost.maxCost,
      });
    }
  }
  const ai = byName('ai');
  if (ai) {
    const mine = findSummary(ai, subject);
    const portkey = findSummary(ai, PORTKEY);
    const direct = findSummary(ai, DIRECT);
    // Judged against Portkey as the issue measured it (started by default); its headless mode,
    // which the issue did not measure, is reported beside it.
    const times = ratio(mine?.requestsPerSecond, portkey?.requestsPerSecond);
    const headless = ratio(mine?.requestsPerSecond, findSummary(ai, PORTKEY_HEADLESS)?.requestsPerSecond);
    rows.push({
      target: 'ai: ≥ 10× Portkey throughput',
      measured: times === null ? 'no Portkey numbers' : `${times.toFixed(1)}×${headless === null ? '' : `; ${headless.toFixed(1)}× its headless mode`}`,
      met: times === null ? null : times >= 10,
    });
    // Added latency is judged below saturation; at full load p99 is mostly queueing
    // (connections ÷ throughput), which the throughput row already judges. Both are reported.
    const light = lightOverhead(ai, subject);
    const saturated = mine && direct ? mine.p99Ms - direct.p99Ms : null;
    // nginx relaying the same request shows what the hop alone adds on this machine.
    const hop = lightOverhead(ai, NGINX_PROXY);
    rows.push({
      target: 'ai: p99 overhead < 2 ms vs direct',
      measured: light === null
        ? 'no numbers'
        : `${light.ms.toFixed(2)} ms at ${light.connections} connection(s)${saturated === null ? '' : `; ${saturated.toFixed(2)} ms saturated`}` +
          (hop === null ? '' : `; nginx-proxy without translating: ${hop.ms.toFixed(2)} ms`),
      met: light === null ? null : light.ms < 2,
    });
  }
  for (const name of ['https', 'http2']) {
    const result = byName(name);
    if (!result) continue;
    const value = ratio(findSummary(result, subject)?.requestsPerSecond, findSummary(result, NGINX_PROXY)?.requestsPerSecond);
    // Issue 7 sets no number: reported against nginx for the record, not judged.
    rows.push({ target: `${name}: against nginx (no number set)`, measured: value === null ? 'no numbers' : `${value.toFixed(2)} of nginx req/s`, met: null });
  }
  return rows;
}

export function renderTargetsTable(report: BenchReport): string {
  const rows = targetRows(report);
  if (rows.length === 0) return '';
  const mark = (met: boolean | null): string => (met === null ? '–' : met ? 'met' : 'not met');
  return ['| target | measured | |', '|---|---:|---|', ...rows.map((row) => `| ${row.target} | ${row.measured} | ${mark(row.met)} |`)].join('\n');
}

/** Extra text under a scenario's main table, by the scenario's system set. */
export function scenarioExtras(result: ScenarioResult, subject: string): string | null {
  if (result.scenario === 'plugins') return renderPluginCostTable(result, subject);
  if (result.scenario === 'ai') return renderAiTable(result, subject);
  return null;
}

/** How the plugin, AI and TLS scenarios were set up, for the Method section (only those that ran). */
export function scenarioMethods(report: BenchReport): string[] {
  const ran = new Set(report.scenarios.map((result) => result.scenario));
  const lines: string[] = [];
  if (ran.has('plugins')) {
    lines.push(
      `- plugins: ${PLUGIN_VARIANTS.length + 1} ${report.subject} processes (no plugin, and one per plugin set) run side by side on the proxy CPU and are measured`,
      '  interleaved like the systems of the other scenarios; each cost is against the no-plugin process of the same pass.',
      '  Plugins are global; rate-limiting has `second: 1e9, limit_by: ip` (nothing is rejected), Redis at 127.0.0.1:6379 with',
      '  `timeout: 200`; key-auth reads the `apikey` header that wrk sends (`-H`). Cost = 1 − req/s ratio; CPU cost = CPU µs/req ratio − 1.',
    );
  }
  if (ran.has('ai')) {
    lines.push(
      '- ai: nginx (1 worker, on the load CPU) answers every POST with a fixed Anthropic Messages JSON. "direct" is that mock;',
      `  ${report.subject} runs ai-proxy (route_type llm/v1/chat, provider anthropic, upstream_url = the mock); Portkey's gateway gets`,
      '  `x-portkey-provider: anthropic` and `x-portkey-custom-host: http://127.0.0.1:<mock>/v1`, on Node 24, pinned like the proxy,',
      '  twice: "portkey" as `npx @portkey-ai/gateway` starts it (the issue\'s baseline of ~1.5k req/s, p99 ~174 ms), "portkey-headless"',
      '  with `--headless` and NODE_ENV=production (its fastest mode); the ≥ 10× aim is judged against the first, both are shown.',
      '  Its CLI has no listen-address option, so it binds every interface — only 127.0.0.1 was used). wrk POSTs the same OpenAI-format chat body (Lua script). The p99 overhead is ' + report.subject + ' p99 − direct p99,',
      '  judged below saturation: after the saturated runs one more wrk run per system with 1 connection (a request at a time);',
      '  the saturated difference is reported beside it (there p99 is mostly queueing: connections ÷ throughput).',
      '  "nginx-proxy" relays the same POST to the mock without translating (the shared baseline proxy config): its 1-connection',
      '  p99 is what the proxy hop alone costs on this machine, mostly the wake-ups of idle CPUs that every proxy pays.',
    );
  }
  if (ran.has('https') || ran.has('http2')) {
    lines.push(
      `- https/http2: one EC P-256 self-signed certificate per run; nginx (\`listen … ssl http2\`, the baseline proxy otherwise) and ${report.subject}`,
      '  (`KONG_PROXY_LISTEN=… ssl http2`, KONG_SSL_CERT/KEY) terminate TLS; plain HTTP/1.1 to the same upstream. https: wrk over',
      '  TLS with keep-alive; http2: `h2load -t1 -c10 -m10 -D <s>`, percentiles from its per-request log. "÷ nginx proxy" is against nginx over TLS.',
    );
  }
  return lines;
}
