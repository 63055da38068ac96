import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, renderRatioTable, renderScenarioTable, tableCell } from '../bench/report.ts';
import type { BenchReport, ScenarioResult, TargetOutcome } from '../bench/report.ts';
import type { TargetSummary } from '../bench/stats.ts';

function summary(requestsPerSecond: number, bodyBytes = 100, extra: Partial<TargetSummary> = {}): TargetSummary {
  return {
    runs: 3,
    requestsPerSecond,
    p50Ms: 0.5,
    p99Ms: 1.25,
    bodyBytesPerSecond: requestsPerSecond * bodyBytes,
    minRequestsPerSecond: requestsPerSecond * 0.9,
    maxRequestsPerSecond: requestsPerSecond * 1.1,
    peakRssBytes: 64 * 1024 * 1024,
    cpuMicrosPerRequest: 1e6 / requestsPerSecond,
    foreignCpuShare: 0.02,
    non2xx: 0,
    socketErrors: 0,
    raw: [],
    discarded: [],
    ...extra,
  };
}

function outcome(target: string, value: TargetSummary | null, error: string | null = null): TargetOutcome {
  return { target, summary: value, error };
}

/** direct, nginx-proxy, portico and, given a fourth rate, node-bare (results before it existed have none). */
function scenario(name: ScenarioResult['scenario'], rates: [number, number, number, number?], bodyBytes = 100): ScenarioResult {
  return {
    scenario: name,
    description: `${name} description`,
    bodyBytes,
    outcomes: [
      outcome('direct', summary(rates[0], bodyBytes)),
      outcome('nginx-proxy', summary(rates[1], bodyBytes)),
      outcome('portico', summary(rates[2], bodyBytes)),
      ...(rates[3] === undefined ? [] : [outcome('node-bare', summary(rates[3], bodyBytes))]),
    ],
  };
}

function report(scenarios: ScenarioResult[], subjectCommand: string | null = 'taskset -c 0 node src/cli/index.ts start'): BenchReport {
  return {
    date: '2026-11-26T06:00:00.000Z',
    subject: 'portico',
    subjectCommand,
    subjectSource: subjectCommand === null ? null : 'commit 0123456789ab (“test”)',
    machine: {
      cpuModel: 'Test CPU',
      cpuCount: 2,
      memoryTotal: '23Gi',
      kernel: 'Linux 6.1',
      nodeVersion: 'v24.0.0',
      loadAverageBefore: 0.5,
      loadAverageAfter: 1.25,
      nginxVersion: 'nginx/1.22.1',
      wrkVersion: 'wrk 4.1.0',
    },
    method: { warmupSeconds: 5, durationSeconds: 10, runs: 3, connections: 50, threads: 1, proxyCpus: '0', loadCpus: '1', quietWaitSeconds: 30, quietMaxShare: 0.1, maxForeignShare: 0.15 },
    scenarios,
    notes: ['a note'],
  };
}

test('scenario table shows medians, spread and ratios against nginx proxy, direct and node-bare (– in runs without it)', () => {
  const table = renderScenarioTable(scenario('passthrough', [100_000, 80_000, 20_000]));
  const rows = table.split('\n');
  assert.equal(rows[0], '| system | req/s | runs min–max | p50 | p99 | CPU µs/req | others on its CPU | peak RSS | ÷ nginx proxy | ÷ direct | ÷ node-bare |');
  assert.equal(rows[4], '| portico | 20,000 | 18,000–22,000 | 0.50 ms | 1.25 ms | 50.0 | 2 % | 64.0 MiB | 0.25 | 0.20 | – |');
  assert.match(rows[3], /^\| nginx-proxy \| 80,000 .*\| 1\.00 \| 0\.80 \| – \|$/);
});

test('with node-bare measured every row gets its ratio to it; scenarios without node-bare have no such column', () => {
  const rows = renderScenarioTable(scenario('passthrough', [100_000, 80_000, 20_000, 25_000])).split('\n');
  assert.match(rows[4], /^\| portico \| 20,000 .*\| 0\.25 \| 0\.20 \| 0\.80 \|$/);
  assert.match(rows[5], /^\| node-bare \| 25,000 .*\| 0\.31 \| 0\.25 \| 1\.00 \|$/);
  assert.match(renderScenarioTable(scenario('routes-10k', [1, 1, 1])).split('\n')[0], /÷ node-bare/);
  for (const name of ['plugins', 'https', 'http2'] as const) {
    assert.doesNotMatch(renderScenarioTable(scenario(name, [100_000, 80_000, 20_000])), /node-bare/, name);
  }
});

test('large bodies get an MB/s column', () => {
  const table = renderScenarioTable(scenario('large-body', [2000, 1000, 500], 1024 * 1024));
  assert.match(table.split('\n')[0], /\| MB\/s \|/);
  assert.match(table, /\| portico \| 500 \| 450–550 \| 524 MB\/s \|/);
});

test('a system without numbers shows its error and the row keeps the column count', () => {
  const result = scenario('passthrough', [100_000, 80_000, 0]);
  result.outcomes[2] = outcome('portico', null, 'did not start: exited');
  const rows = renderScenarioTable(result).split('\n');
  assert.equal(rows[4].split('|').length, rows[0].split('|').length);
  assert.match(rows[4], /did not start: exited/);
});

test('error text cannot break the table', () => {
  assert.equal(tableCell('a | b\n  c'), 'a \\| b c');
  assert.equal(tableCell('x'.repeat(300)).length, 200);
});

test('errors during a run are flagged next to the throughput', () => {
  const result = scenario('passthrough', [100_000, 80_000, 20_000]);
  result.outcomes[2] = outcome('portico', summary(20_000, 100, { non2xx: 12, socketErrors: 3 }));
  assert.match(renderScenarioTable(result), /20,000 ⚠ 12 non-2xx, 3 socket errors/);
});

test('ratio table normalises the 10k-route cost by the nginx proxy ratio', () => {
  const text = renderRatioTable(
    report([scenario('passthrough', [100_000, 80_000, 20_000]), scenario('routes-10k', [90_000, 64_000, 12_000])]),
  );
  assert.match(text, /\| passthrough \| 0\.25 \| 0\.20 \| 0\.25 \|/);
  assert.match(text, /\| portico: routes-10k ÷ passthrough \| 0\.60 \|/);
  assert.match(text, /\| nginx proxy: routes-10k ÷ passthrough .*\| 0\.80 \|/);
  assert.match(text, /\| portico, normalised by nginx's ratio .*\| 0\.75 \|/);
  // CPU/req is 1e6 / req/s in these fixtures: 50 µs vs 83.3 µs.
  assert.match(text, /\| portico: CPU\/req of passthrough ÷ CPU\/req of routes-10k .*\| 0\.60 \|/);
});

test('ratio table: subject ÷ node-bare, node-bare CPU/req ÷ subject CPU/req and node-bare ÷ nginx proxy, – without node-bare', () => {
  const text = renderRatioTable(
    report([scenario('passthrough', [100_000, 80_000, 20_000, 25_000]), scenario('large-body', [2000, 1000, 500, 400], 1024 * 1024), scenario('https', [0, 40_000, 10_000])]),
  );
  assert.match(text.split('\n')[0], /\| portico ÷ node-bare \| node-bare CPU\/req ÷ portico CPU\/req \| node-bare ÷ nginx proxy \|$/);
  // CPU/req is 1e6 / req/s in these fixtures: node-bare 40 µs, portico 50 µs.
  assert.match(text, /\| passthrough \| 0\.25 \| 0\.20 \| 0\.25 \| 0\.80 \| 0\.80 \| 0\.31 \|/);
  assert.match(text, /\| large-body \| 0\.50 \| 0\.25 \| 0\.50 \| 1\.25 \| 1\.25 \| 0\.40 \|/);
  assert.match(text, /\| https \| 0\.25 \| – \| 0\.25 \| – \| – \| – \|/);
});

test('ratio table compares large bodies by MB/s and omits the 10k rows without passthrough', () => {
  const text = renderRatioTable(report([scenario('large-body', [2000, 1000, 500], 1024 * 1024)]));
  assert.match(text, /\| large-body \| 0\.50 \| 0\.25 \| 0\.50 \|/);
  assert.doesNotMatch(text, /10k routes/);
});

test('markdown records machine facts, method and notes', () => {
  const markdown = renderMarkdown(report([scenario('passthrough', [100_000, 80_000, 20_000])]));
  assert.match(markdown, /^# Benchmarks\n/);
  assert.match(markdown, /Test CPU, 2 logical CPUs/);
  assert.match(markdown, /from commit 0123456789ab/);
  assert.match(markdown, /load average: 0\.50 before, 1\.25 after/);
  assert.match(markdown, /`wrk -t1 -c50 -d10s --latency`/);
  assert.match(markdown, /waits up to 30 s for CPU 0 to be under 10 % busy/);
  assert.match(markdown, /### passthrough\n\npassthrough description/);
  assert.match(markdown, /## Ratios/);
  assert.match(markdown, /## Notes\n\n- a note\n/);
  assert.match(markdown, /## Reproduce[^]*npm run bench/);
});

test('the Method section mentions the re-warm before each run only when the run had one', () => {
  const base = report([scenario('passthrough', [100_000, 80_000, 20_000])]);
  const rewarmed = renderMarkdown({ ...base, method: { ...base.method, rewarmSeconds: 2 } });
  assert.match(rewarmed, /each right after an unmeasured 2 s run against the same system/);
  assert.match(rewarmed, /first second of load with a 50–150 ms p99/);
  assert.doesNotMatch(renderMarkdown(base), /unmeasured/);
});

test('the Method section describes node-bare only for runs that measured it (old results still render)', () => {
  const withBare = renderMarkdown(report([scenario('passthrough', [100_000, 80_000, 20_000, 25_000])]));
  assert.match(withBare, /## Method[^#]*- \*\*node-bare\*\* \(`bench\/bare-proxy\.ts`[^#]*"portico ÷ node-bare" can/);
  const old = renderMarkdown(report([scenario('passthrough', [100_000, 80_000, 20_000])]));
  assert.doesNotMatch(old, /\*\*node-bare\*\*/);
  assert.match(old, /\| portico \| 20,000 .*\| 0\.25 \| 0\.20 \| – \|/);
});

test('a run where other processes took the proxy CPU carries a warning', () => {
  const quiet = report([scenario('passthrough', [100_000, 80_000, 20_000])]);
  assert.doesNotMatch(renderMarkdown(quiet), /Other processes took/);
  const busy = report([scenario('passthrough', [100_000, 80_000, 20_000])]);
  busy.scenarios[0].outcomes[1] = outcome('nginx-proxy', summary(80_000, 100, { foreignCpuShare: 0.4 }));
  assert.match(renderMarkdown(busy), /Other processes took up to 40 % of the proxy CPU/);
  assert.match(renderMarkdown(busy), /more than 15 % of its CPU is measured again \(at most 3 redos/);
});

test('redone runs are counted next to the foreign load', () => {
  const result = scenario('passthrough', [100_000, 80_000, 20_000]);
  const redone = { wrk: {} as TargetSummary['raw'][number]['wrk'], cpuSeconds: 1, foreignCpuShare: 0.5 };
  result.outcomes[2] = outcome('portico', summary(20_000, 100, { discarded: [redone, redone] }));
  assert.match(renderScenarioTable(result), /\| 2 % \(2 redone\) \|/);
});

test('a baseline proxy as fast as direct is called out as load-bound', () => {
  const markdown = renderMarkdown(report([scenario('large-body', [2000, 1900, 800], 1024 * 1024), scenario('passthrough', [100_000, 60_000, 20_000])]));
  assert.match(markdown, /- large-body: the nginx proxy reached 0\.95 of direct/);
  assert.doesNotMatch(markdown, /- passthrough: the nginx proxy reached/);
});

test('baselines-only markdown has no subject ratios', () => {
  const markdown = renderMarkdown(report([scenario('passthrough', [100_000, 80_000, 20_000])], null));
  assert.doesNotMatch(markdown, /## Ratios/);
  assert.match(markdown, /no system under test in this run/);
});
