// Tables of the plugin, AI and TLS scenarios and the "Targets" table of the issues (4–7): costs
// against Portico passthrough, Portico against Portkey, Portico against nginx over TLS. Pure.
import { PLUGIN_VARIANTS } from './scenarios-extra.ts';
import { ratio } from './stats.ts';
import { DIRECT, findSummary, NGINX_PROXY } from './report.ts';
import type { BenchReport, ScenarioResult } from './report.ts';

export const PORTKEY = 'portkey';

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

export function renderAiTable(result: ScenarioResult, subject: string): string {
  const mine = findSummary(result, subject);
  const portkey = findSummary(result, PORTKEY);
  const direct = findSummary(result, DIRECT);
  const overhead = mine && direct ? mine.p99Ms - direct.p99Ms : null;
  return [
    '| comparison | value |',
    '|---|---:|',
    `| ${subject} req/s ÷ Portkey req/s | ${fixed(ratio(mine?.requestsPerSecond, portkey?.requestsPerSecond))} |`,
    `| ${subject} req/s ÷ mock direct req/s | ${fixed(ratio(mine?.requestsPerSecond, direct?.requestsPerSecond))} |`,
    `| ${subject} p99 − mock direct p99 | ${overhead === null ? '–' : `${overhead.toFixed(2)} ms`} |`,
    `| Portkey CPU µs/req ÷ ${subject} CPU µs/req | ${fixed(ratio(portkey?.cpuMicrosPerRequest ?? undefined, mine?.cpuMicrosPerRequest ?? undefined))} |`,
  ].join('\n');
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
    const times = ratio(mine?.requestsPerSecond, portkey?.requestsPerSecond);
    rows.push({ target: 'ai: ≥ 10× Portkey throughput', measured: times === null ? 'no Portkey numbers' : `${times.toFixed(1)}×`, met: times === null ? null : times >= 10 });
    const overhead = mine && direct ? mine.p99Ms - direct.p99Ms : null;
    rows.push({ target: 'ai: p99 overhead < 2 ms vs direct', measured: overhead === null ? 'no numbers' : `${overhead.toFixed(2)} ms`, met: overhead === null ? null : overhead < 2 });
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
