// Traffic and transformation plugins through a real gateway process: proxy-cache with its Admin
// endpoints, request/response-transformer, redirect, correlation-id and response-ratelimiting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';

let upstream: Server;
let upstreamPort = 0;
let upstreamCalls = 0;
let gateway: GatewayProcess;

function kongYml(): string {
  const route = (name: string, path: string, plugins: string) => [
    `      - name: ${name}`,
    `        paths: ["${path}"]`,
    '        plugins:',
    ...plugins.trim().split('\n').map((line) => `          ${line}`),
  ].join('\n');
  return [
    '_format_version: "3.0"',
    'services:',
    '  - name: echo',
    `    url: http://127.0.0.1:${upstreamPort}`,
    '    routes:',
    route('cache', '/cache', '- name: proxy-cache\n  config:\n    strategy: memory'),
    route('transform', '/transform', [
      '- name: request-transformer',
      '  config:',
      '    add:',
      '      headers: ["x-added:$(query_params.who)"]',
      '    remove:',
      '      querystring: ["who"]',
      '- name: response-transformer',
      '  config:',
      '    remove:',
      '      json: ["secret"]',
      '    add:',
      '      headers: ["x-transformed:yes"]',
      '      json: ["count:3"]',
      '      json_types: ["number"]',
    ].join('\n')),
    route('moved', '/moved', '- name: redirect\n  config:\n    location: https://elsewhere.test/new\n    keep_incoming_path: true'),
    route('correlated', '/cid', '- name: correlation-id\n  config:\n    echo_downstream: true'),
    route('costly', '/costly', '- name: response-ratelimiting\n  config:\n    limit_by: ip\n    limits:\n      units:\n        minute: 2'),
    '',
  ].join('\n');
}

before(async () => {
  upstream = createServer((req, res) => {
    upstreamCalls++;
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-kong-limit', 'units=1');
    res.end(JSON.stringify({ url: req.url, headers: req.headers, secret: 's', calls: upstreamCalls }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
  gateway = await startGatewayProcess({ kongYml: kongYml(), workers: 2 });
});
after(async () => {
  await gateway?.stop();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** A GET on its own connection, so SO_REUSEPORT spreads requests over both workers. */
function freshGet(url: string): Promise<{ status: number; cacheStatus: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cacheStatus: res.headers['x-cache-status'] as string | undefined }));
    }).on('error', reject).end();
  });
}

test('proxy-cache: one cache per node — after a Miss every worker hits; a purge reaches every worker', async () => {
  assert.equal((await freshGet(`${gateway.proxyUrl}/cache/shared`)).cacheStatus, 'Miss');
  const hits = await Promise.all(Array.from({ length: 12 }, () => freshGet(`${gateway.proxyUrl}/cache/shared`)));
  assert.deepEqual(hits.map((hit) => hit.cacheStatus), Array(12).fill('Hit'));
  assert.equal((await fetch(`${gateway.adminUrl}/proxy-cache`, { method: 'DELETE' })).status, 204);
  assert.equal((await freshGet(`${gateway.proxyUrl}/cache/shared`)).cacheStatus, 'Miss');
});

test('proxy-cache: Miss then Hit over HTTP; the Admin API shows and purges the entry', async () => {
  const miss = await fetch(`${gateway.proxyUrl}/cache/item`);
  const missBody = await miss.json() as { calls: number };
  assert.equal(miss.headers.get('x-cache-status'), 'Miss');
  const key = miss.headers.get('x-cache-key')!;
  const hit = await fetch(`${gateway.proxyUrl}/cache/item`);
  assert.equal(hit.headers.get('x-cache-status'), 'Hit');
  assert.equal((await hit.json() as { calls: number }).calls, missBody.calls);
  const entry = await fetch(`${gateway.adminUrl}/proxy-cache/${key}`);
  assert.equal(entry.status, 200);
  assert.equal((await entry.json() as { status: number }).status, 200);
  assert.equal((await fetch(`${gateway.adminUrl}/proxy-cache/${key}`, { method: 'DELETE' })).status, 204);
  const missing = await fetch(`${gateway.adminUrl}/proxy-cache/${key}`);
  assert.equal(missing.status, 404);
  await missing.arrayBuffer();
  const again = await fetch(`${gateway.proxyUrl}/cache/item`);
  await again.arrayBuffer();
  assert.equal(again.headers.get('x-cache-status'), 'Miss');
  assert.equal((await fetch(`${gateway.adminUrl}/proxy-cache`, { method: 'DELETE' })).status, 204);
});

test('request- and response-transformer edit what goes up and what comes back', async () => {
  const response = await fetch(`${gateway.proxyUrl}/transform?who=ann&keep=1`);
  const body = await response.json() as { url: string; headers: Record<string, string>; secret?: string; count: number };
  assert.equal(body.headers['x-added'], 'ann');
  assert.equal(body.url, '/?keep=1', 'strip_path (default) removed /transform');
  assert.equal(body.secret, undefined);
  assert.equal(body.count, 3);
  assert.equal(response.headers.get('x-transformed'), 'yes');
});

test('redirect and correlation-id', async () => {
  const moved = await fetch(`${gateway.proxyUrl}/moved/a?b=1`, { redirect: 'manual' });
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.get('location'), 'https://elsewhere.test/moved/a?b=1');
  assert.equal(await moved.text(), 'redirecting');
  const correlated = await fetch(`${gateway.proxyUrl}/cid`);
  const seen = await correlated.json() as { headers: Record<string, string> };
  assert.match(seen.headers['kong-request-id']!, /^[0-9a-f-]{36}#\d+$/);
  assert.equal(correlated.headers.get('kong-request-id'), seen.headers['kong-request-id']);
});

test('response-ratelimiting: upstream-reported costs exhaust the limit, then a bare 429', async () => {
  // The four requests must fall in one minute window: start fresh if this one is about to end.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 57_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
  const statuses: number[] = [];
  for (let index = 0; index < 4; index++) {
    const response = await fetch(`${gateway.proxyUrl}/costly`);
    statuses.push(response.status);
    await response.arrayBuffer();
    // Costs are added in the log phase, after the response (as Kong's timer does): let it land.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  assert.deepEqual(statuses, [200, 200, 429, 429]);
});
