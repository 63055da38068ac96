// Pure parts of the plugin, AI and TLS scenarios: their configs, h2load parsing and the cost and
// target tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { h2loadArguments, parseH2loadLog, parseH2loadOutput } from '../bench/h2load.ts';
import { renderTlsProxyConf } from '../bench/nginx.ts';
import { renderMarkdown } from '../bench/report.ts';
import { pluginCosts, renderAiTable, renderTargetsTable, targetRows } from '../bench/report-extra.ts';
import {
  ANTHROPIC_MOCK_BODY, BENCH_API_KEY, CHAT_REQUEST_BODY, PLUGIN_VARIANTS, aiProxyConfig, chatLuaScript, pluginConfig, renderMockConf,
} from '../bench/scenarios-extra.ts';
import { isChatCompletion } from '../bench/systems.ts';
import type { BenchReport, ScenarioResult } from '../bench/report.ts';
import type { TargetSummary } from '../bench/stats.ts';

const H2LOAD_OUTPUT = `starting benchmark...
finished in 10.00s, 20000.50 req/s, 1.50MB/s
requests: 200005 total, 200005 started, 200000 done, 199990 succeeded, 10 failed, 5 errored, 2 timeout
status codes: 199980 2xx, 0 3xx, 12 4xx, 8 5xx
traffic: 15.00MB (15728640) total, 1.00MB (1048576) headers (space savings 90.00%), 1.90MB (1992294) data
`;

test('h2load output becomes a WrkResult: req/s, done requests, 4xx+5xx as non-2xx, failures as socket errors', () => {
  const result = parseH2loadOutput(H2LOAD_OUTPUT, [3000, 1000, 2000, 4000]);
  assert.equal(result.requestsPerSecond, 20000.5);
  assert.equal(result.transferPerSecond, 1.5 * 1024 * 1024);
  assert.equal(result.totalRequests, 200000);
  assert.equal(result.non2xx, 20);
  assert.deepEqual(result.socketErrors, { connect: 0, read: 10, write: 0, timeout: 2 });
  assert.equal(result.p50Ms, 3);
  assert.equal(result.p99Ms, 4);
  assert.throws(() => parseH2loadOutput('connection refused'), /h2load output not recognised/);
});

test('h2load log: durations of answered requests only (status -1 is a failed stream)', () => {
  assert.deepEqual(parseH2loadLog('1700000000000000\t200\t850\n1700000000000100\t-1\t99\n1700000000000200\t503\t1200\n'), [850, 1200]);
  assert.deepEqual(h2loadArguments({ url: 'https://127.0.0.1:1/', durationSeconds: 10, connections: 10, streams: 10, cpus: null, logFile: '/t/l' }), [
    '-t1', '-c10', '-m10', '-D', '10', '--log-file=/t/l', 'https://127.0.0.1:1/',
  ]);
});

test('plugin variants: global plugins, one consumer with the key and the ACL group, limits nobody reaches', () => {
  assert.deepEqual(PLUGIN_VARIANTS.map((variant) => variant.name), [
    'key-auth', 'key-auth-acl', 'rate-limiting-local', 'rate-limiting-redis', 'prometheus', 'rl-local+prometheus+key-auth',
  ]);
  const redis = parse(pluginConfig(8080, PLUGIN_VARIANTS[3])) as { services: { url: string }[]; plugins: { name: string; config: Record<string, unknown> }[] };
  assert.equal(redis.services[0].url, 'http://127.0.0.1:8080');
  assert.deepEqual(redis.plugins, [
    { name: 'rate-limiting', config: { second: 1e9, limit_by: 'ip', policy: 'redis', redis: { host: '127.0.0.1', port: 6379, timeout: 200 } } },
  ]);
  const combined = parse(pluginConfig(1, PLUGIN_VARIANTS[5])) as { consumers: { keyauth_credentials: { key: string }[] }[]; plugins: { name: string }[] };
  assert.deepEqual(combined.plugins.map((plugin) => plugin.name), ['rate-limiting', 'prometheus', 'key-auth']);
  assert.equal(combined.consumers[0].keyauth_credentials[0].key, BENCH_API_KEY);
  assert.deepEqual(PLUGIN_VARIANTS.filter((variant) => variant.sendsKey).map((variant) => variant.name), ['key-auth', 'key-auth-acl', 'rl-local+prometheus+key-auth']);
});

test('ai: Portico route with ai-proxy to the mock, wrk POSTs the chat body, nginx mock returns the Anthropic JSON', () => {
  const config = parse(aiProxyConfig(9000)) as { services: { routes: { paths: string[] }[]; plugins: { config: { model: { provider: string; options: { upstream_url: string } } } }[] }[] };
  assert.deepEqual(config.services[0].routes[0].paths, ['/v1/chat/completions']);
  assert.equal(config.services[0].plugins[0].config.model.provider, 'anthropic');
  assert.equal(config.services[0].plugins[0].config.model.options.upstream_url, 'http://127.0.0.1:9000/v1/messages');
  const lua = chatLuaScript('{"a":"b\\\\c"}');
  assert.match(lua, /wrk\.method = "POST"/);
  assert.match(lua, /wrk\.body = "\{\\"a\\":\\"b\\\\\\\\c\\"\}"/);
  assert.ok(JSON.parse(CHAT_REQUEST_BODY).messages.length === 2);
  const conf = renderMockConf('/tmp/m', 7000);
  assert.match(conf, /listen 127\.0\.0\.1:7000/);
  assert.ok(conf.includes(`return 200 '${ANTHROPIC_MOCK_BODY}'`), 'the JSON has no quote nginx would need escaped');
});

test('isChatCompletion accepts only an OpenAI chat completion with message text', () => {
  assert.equal(isChatCompletion(JSON.stringify({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'hi' } }] })), true);
  assert.equal(isChatCompletion(ANTHROPIC_MOCK_BODY), false);
  assert.equal(isChatCompletion('{"object":"chat.completion","choices":[]}'), false);
  assert.equal(isChatCompletion('not json'), false);
});

test('renderTlsProxyConf switches only the listener to ssl http2 with the run certificate', () => {
  const conf = renderTlsProxyConf('/tmp/n', 8443, 8080, { cert: '/c.pem', key: '/k.pem' });
  assert.match(conf, /listen 127\.0\.0\.1:8443 ssl http2 backlog=4096;\s+ssl_certificate \/c\.pem;\s+ssl_certificate_key \/k\.pem;/);
  assert.match(conf, /server 127\.0\.0\.1:8080;/);
});

function summary(requestsPerSecond: number, cpuMicrosPerRequest: number, p99Ms = 1): TargetSummary {
  return {
    runs: 3, requestsPerSecond, p50Ms: 0.5, p99Ms, bodyBytesPerSecond: requestsPerSecond * 100, minRequestsPerSecond: requestsPerSecond,
    maxRequestsPerSecond: requestsPerSecond, peakRssBytes: null, cpuMicrosPerRequest, foreignCpuShare: 0, non2xx: 0, socketErrors: 0, raw: [], discarded: [],
  };
}

function result(scenario: ScenarioResult['scenario'], rows: [string, TargetSummary | null][]): ScenarioResult {
  return { scenario, description: scenario, bodyBytes: 100, outcomes: rows.map(([target, value]) => ({ target, summary: value, error: value ? null : 'did not start: no Redis' })) };
}

const plugins = result('plugins', [
  ['portico', summary(20_000, 40)],
  ['portico+key-auth', summary(19_000, 42)],
  ['portico+key-auth-acl', summary(16_000, 50)],
  ['portico+rate-limiting-local', summary(19_500, 41)],
  ['portico+rate-limiting-redis', null],
  ['portico+prometheus', summary(17_500, 46)],
  ['portico+rl-local+prometheus+key-auth', summary(16_000, 52)],
]);

test('plugin cost: 1 − req/s ratio and CPU/req ratio − 1 against passthrough; no numbers stays null', () => {
  const costs = pluginCosts(plugins, 'portico');
  assert.equal(costs[0].rpsRatio, 0.95);
  assert.ok(Math.abs((costs[0].throughputCost ?? 0) - 0.05) < 1e-9);
  assert.ok(Math.abs((costs[0].cpuCost ?? 0) - 0.05) < 1e-9);
  assert.equal(costs[3].throughputCost, null);
  const rows = targetRows({ subject: 'portico', scenarios: [plugins] } as BenchReport);
  assert.deepEqual(rows.map((row) => row.met), [true, false, true, null, true, false]);
  assert.equal(rows[1].measured, '20.0 % req/s, 25.0 % CPU/req');
});

test('ai targets: ≥ 10× Portkey and p99 overhead under 2 ms against the mock direct, judged below saturation', () => {
  const ai = result('ai', [['direct', summary(80_000, 6, 0.7)], ['portico', summary(16_000, 60, 3.2)], ['portkey', summary(1500, 600, 170)]]);
  const rows = targetRows({ subject: 'portico', scenarios: [ai] } as BenchReport);
  assert.deepEqual(rows, [
    { target: 'ai: ≥ 10× Portkey throughput', measured: '10.7×', met: true },
    { target: 'ai: p99 overhead < 2 ms vs direct', measured: 'no numbers', met: null },
  ], 'without a light-load run the overhead is not judged from the saturated p99');
  const light = (connections: number, p99Ms: number) => ({ connections, requestsPerSecond: 1000, p50Ms: p99Ms / 2, p99Ms });
  ai.outcomes[0]!.light = light(1, 0.1);
  ai.outcomes[1]!.light = light(1, 0.45);
  ai.outcomes[2]!.light = light(1, 9.1);
  assert.deepEqual(targetRows({ subject: 'portico', scenarios: [ai] } as BenchReport)[1], {
    target: 'ai: p99 overhead < 2 ms vs direct', measured: '0.35 ms at 1 connection(s); 2.50 ms saturated', met: true,
  });
  ai.outcomes[1]!.light = light(1, 2.6);
  assert.equal(targetRows({ subject: 'portico', scenarios: [ai] } as BenchReport)[1]!.met, false);
  const table = renderAiTable(ai, 'portico');
  assert.match(table, /\| portico p99 − mock direct p99 at 1 connection\(s\) \(p50 1\.30 ms, p99 2\.60 ms\) \| 2\.50 ms \|/);
  assert.match(table, /\| portkey p99 − mock direct p99 at 1 connection\(s\) .* \| 9\.00 ms \|/);
  assert.match(table, /\| portico p99 − mock direct p99, saturated \| 2\.50 ms \|/);
  const noPortkey = result('ai', [['direct', summary(80_000, 6)], ['portico', summary(16_000, 60)], ['portkey', null]]);
  assert.equal(targetRows({ subject: 'portico', scenarios: [noPortkey] } as BenchReport)[0].met, null);
  assert.match(renderTargetsTable({ subject: 'portico', scenarios: [ai] } as BenchReport), /\| ai: ≥ 10× Portkey throughput \| 10\.7× \| met \|/);
});

test('ai table: node-bare against Portkey and the subject against node-bare, – when either is missing', () => {
  const ai = result('ai', [['direct', summary(80_000, 6)], ['portico', summary(16_000, 60)], ['node-bare', summary(20_000, 45)], ['portkey', summary(1600, 600)]]);
  const table = renderAiTable(ai, 'portico');
  assert.match(table, /\| node-bare req\/s ÷ Portkey req\/s \(as started by default\) \| 12\.50 \|/);
  assert.match(table, /\| portico req\/s ÷ node-bare req\/s \| 0\.80 \|/);
  ai.outcomes[2]!.light = { connections: 1, requestsPerSecond: 3000, p50Ms: 0.2, p99Ms: 0.4 };
  ai.outcomes[0]!.light = { connections: 1, requestsPerSecond: 9000, p50Ms: 0.05, p99Ms: 0.1 };
  assert.match(renderAiTable(ai, 'portico'), /\| node-bare p99 − mock direct p99 at 1 connection\(s\) .* \| 0\.30 ms \|/);
  const old = renderAiTable(result('ai', [['direct', summary(80_000, 6)], ['portico', summary(16_000, 60)], ['portkey', summary(1600, 600)]]), 'portico');
  assert.match(old, /\| node-bare req\/s ÷ Portkey req\/s \(as started by default\) \| – \|/);
  assert.match(old, /\| portico req\/s ÷ node-bare req\/s \| – \|/);
});

test('ai table: the subject against nginx-proxy at one connection, only when both were measured there', () => {
  const ai = result('ai', [['direct', summary(80_000, 6)], ['nginx-proxy', summary(60_000, 12)], ['portico', summary(16_000, 60)]]);
  assert.doesNotMatch(renderAiTable(ai, 'portico'), /nginx-proxy p99 at/);
  ai.outcomes[0]!.light = { connections: 1, requestsPerSecond: 9000, p50Ms: 0.05, p99Ms: 0.1 };
  ai.outcomes[1]!.light = { connections: 1, requestsPerSecond: 5000, p50Ms: 0.17, p99Ms: 2.1 };
  ai.outcomes[2]!.light = { connections: 1, requestsPerSecond: 2500, p50Ms: 0.34, p99Ms: 2.9 };
  const table = renderAiTable(ai, 'portico');
  assert.match(table, /\| nginx-proxy p99 − mock direct p99 at 1 connection\(s\) .* \| 2\.00 ms \|/);
  assert.match(table, /\| portico p99 − nginx-proxy p99 at 1 connection\(s\) \(the gateway's own share beyond a proxy hop\) \| 0\.80 ms \|/);
});

test('the page shows the plugin cost table, the targets and a failed variant with its reason', () => {
  const report = {
    date: 'd', subject: 'portico', subjectCommand: 'node src/cli/index.ts start', subjectSource: 'commit x', notes: [],
    machine: { cpuModel: 'c', cpuCount: 2, memoryTotal: 'm', kernel: 'k', nodeVersion: 'v24', loadAverageBefore: 0, loadAverageAfter: 0, nginxVersion: 'n', wrkVersion: 'w' },
    method: { warmupSeconds: 5, durationSeconds: 10, runs: 3, connections: 50, threads: 1, proxyCpus: '0', loadCpus: '1', quietWaitSeconds: 0, quietMaxShare: 0.1, maxForeignShare: 0.15 },
    scenarios: [plugins],
  } satisfies BenchReport;
  const page = renderMarkdown(report);
  assert.match(page, /\| key-auth-acl \| 0\.80 \| 20\.0 % \| 1\.25 \| 25\.0 % \| < 10\.0 % \|/);
  assert.match(page, /\| portico\+rate-limiting-redis \| did not start: no Redis \|/);
  assert.match(page, /## Targets[\s\S]*\| key-auth-acl: cost < 10\.0 % vs passthrough \| 20\.0 % req\/s, 25\.0 % CPU\/req \| not met \|/);
  assert.doesNotMatch(page, /\| plugins \| – \| – \|/, 'plugins has its own table, not a row of the nginx ratios');
  assert.match(page, /\[benchmarks-admin\.md\]\(benchmarks-admin\.md\)/);
  assert.match(page, /- plugins: 7 portico processes/);
  assert.doesNotMatch(page, /- ai: |- https\/http2: /, 'methods only of the scenarios that ran');
  assert.doesNotMatch(page, /Portkey gateway:/, 'no tool line when the run did not record one');
  const withTools = renderMarkdown({ ...report, machine: { ...report.machine, otherTools: 'Portkey gateway: not installed' } });
  assert.match(withTools, /^- Portkey gateway: not installed$/m);
});
