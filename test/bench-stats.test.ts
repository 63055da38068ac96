import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, parseWrkDuration, parseWrkOutput, parseWrkSize, ratio, summarizeRuns } from '../bench/stats.ts';
import type { RunSample, WrkResult } from '../bench/stats.ts';

const WRK_REPORT = `Running 10s test @ http://127.0.0.1:18081/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.40us  210.11us  12.03ms   91.20%
    Req/Sec    81.34k     3.02k   86.11k    78.00%
  Latency Distribution
     50%  580.00us
     75%  640.00us
     90%  710.00us
     99%    1.52ms
  809421 requests in 10.00s, 197.61MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 17
Requests/sec:  80937.52
Transfer/sec:     19.76MB
`;

test('parseWrkOutput reads throughput, percentiles in ms, errors and non-2xx', () => {
  const result = parseWrkOutput(WRK_REPORT);
  assert.equal(result.requestsPerSecond, 80937.52);
  assert.equal(result.totalRequests, 809421);
  assert.equal(result.p50Ms, 0.58);
  assert.equal(result.p75Ms, 0.64);
  assert.equal(result.p90Ms, 0.71);
  assert.equal(result.p99Ms, 1.52);
  assert.equal(result.transferPerSecond, 19.76 * 1024 * 1024);
  assert.equal(result.non2xx, 17);
  assert.deepEqual(result.socketErrors, { connect: 1, read: 2, write: 3, timeout: 4 });
});

test('parseWrkOutput defaults absent error lines to zero', () => {
  const clean = WRK_REPORT.replace(/^\s*Socket errors.*\n/m, '').replace(/^\s*Non-2xx.*\n/m, '');
  const result = parseWrkOutput(clean);
  assert.equal(result.non2xx, 0);
  assert.deepEqual(result.socketErrors, { connect: 0, read: 0, write: 0, timeout: 0 });
});

test('parseWrkOutput refuses a report without the latency distribution', () => {
  const withoutLatency = WRK_REPORT.replace(/^\s*99%.*\n/m, '');
  assert.throws(() => parseWrkOutput(withoutLatency), /99% latency/);
  assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'), /Requests\/sec/);
});

test('parseWrkDuration converts every wrk time unit to milliseconds', () => {
  assert.equal(parseWrkDuration('250.00us'), 0.25);
  assert.equal(parseWrkDuration('3.50ms'), 3.5);
  assert.equal(parseWrkDuration('1.20s'), 1200);
  assert.equal(parseWrkDuration('2.00m'), 120_000);
  assert.throws(() => parseWrkDuration('12parsecs'), /unrecognised wrk duration/);
});

test('parseWrkSize uses binary multiples like wrk', () => {
  assert.equal(parseWrkSize('512B'), 512);
  assert.equal(parseWrkSize('2.00KB'), 2048);
  assert.equal(parseWrkSize('1.50GB'), 1.5 * 1024 ** 3);
  assert.throws(() => parseWrkSize('3 MB'), /unrecognised wrk size/);
});

test('median takes the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([10, 40, 20, 30]), 25);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), /empty/);
});

test('median does not reorder its input', () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});

test('ratio is null when a side is missing or the denominator is zero', () => {
  assert.equal(ratio(30, 120), 0.25);
  assert.equal(ratio(null, 10), null);
  assert.equal(ratio(10, undefined), null);
  assert.equal(ratio(10, 0), null);
});

function run(requestsPerSecond: number, p50Ms: number, p99Ms: number, non2xx = 0, timeouts = 0): WrkResult {
  return {
    requestsPerSecond,
    transferPerSecond: 0,
    p50Ms,
    p75Ms: p50Ms,
    p90Ms: p99Ms,
    p99Ms,
    totalRequests: requestsPerSecond * 10,
    non2xx,
    socketErrors: { connect: 0, read: 0, write: 0, timeout: timeouts },
  };
}

function samples(runs: WrkResult[], cpu: (number | null)[], foreign: (number | null)[] = [null, null, null]): RunSample[] {
  return runs.map((wrk, index) => ({ wrk, cpuSeconds: cpu[index], foreignCpuShare: foreign[index] }));
}

test('summarizeRuns reports medians of each metric independently, sums errors, keeps the runs', () => {
  const runs = [run(100, 0.5, 9), run(300, 0.4, 2), run(200, 0.9, 4, 5, 1)];
  const summary = summarizeRuns(samples(runs, [null, null, null], [0.1, 0.3, 0.2]), 1000, 42);
  assert.equal(summary.runs, 3);
  assert.equal(summary.requestsPerSecond, 200);
  assert.equal(summary.p50Ms, 0.5);
  assert.equal(summary.p99Ms, 4);
  assert.equal(summary.minRequestsPerSecond, 100);
  assert.equal(summary.maxRequestsPerSecond, 300);
  assert.equal(summary.bodyBytesPerSecond, 200_000);
  assert.equal(summary.peakRssBytes, 42);
  assert.equal(summary.non2xx, 5);
  assert.equal(summary.socketErrors, 1);
  assert.equal(summary.raw.length, 3);
  assert.equal(summary.cpuMicrosPerRequest, null, 'no CPU samples given');
  assert.equal(summary.foreignCpuShare, 0.2);
});

test('summarizeRuns reports the median CPU time per request in microseconds', () => {
  // totalRequests = 10 × req/s: 1000, 3000, 2000 requests.
  const runs = [run(100, 0.5, 9), run(300, 0.4, 2), run(200, 0.9, 4)];
  assert.equal(summarizeRuns(samples(runs, [0.01, 0.06, 0.03]), 100, null).cpuMicrosPerRequest, 15);
  assert.equal(summarizeRuns(samples(runs, [0.01, null, 0.03]), 100, null).cpuMicrosPerRequest, null, 'one run without CPU');
});
