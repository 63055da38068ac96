// Admin API benchmark (issue 3): writes per second on the embedded SQLite store and on Postgres,
// and the time from an acknowledged write to the first proxied request that sees it — one node,
// and two nodes sharing Postgres. Bounded in count and time; loopback only; every process it
// starts is stopped. Writes docs/benchmarks-admin.md.
//   node bench/admin.ts [--writes 400] [--probes 40]
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Agent, Pool, request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../test/helpers/gateway-process.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = resolve(ROOT, 'src/cli/index.ts');
const { values } = parseArgs({ options: { writes: { type: 'string', default: '400' }, probes: { type: 'string', default: '40' } } });
const WRITES = Math.min(5_000, Number(values.writes));
const PROBES = Math.min(500, Number(values.probes));
const VISIBLE_TIMEOUT_MS = 5_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sequential and 8-way concurrent service creations over keep-alive connections. */
async function writeRate(gateway: GatewayProcess, concurrency: number, label: string): Promise<number> {
  const pool = new Pool(gateway.adminUrl, { connections: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < WRITES) {
      const i = next++;
      const response = await pool.request({
        method: 'POST', path: '/services', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${label}-${concurrency}-${i}`, host: 'bench.test' }),
      });
      await response.body.arrayBuffer();
      if (response.statusCode !== 201) throw new Error(`write ${i} answered ${response.statusCode}`);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return WRITES / seconds;
}

/** ms from the write's 201 to the first 200 through `reader`'s proxy (fresh connection per probe). */
async function visibility(writer: GatewayProcess, reader: GatewayProcess, upstreamPort: number, label: string): Promise<number[]> {
  const post = (path: string, body: unknown) => fetch(`${writer.adminUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = await post('/services', { name: `${label}-vis`, url: `http://127.0.0.1:${upstreamPort}` });
  if (created.status !== 201) throw new Error(`service: ${created.status} ${await created.text()}`);
  const lags: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const response = await post(`/services/${label}-vis/routes`, { paths: [`/${label}-${i}`] });
    if (response.status !== 201) throw new Error(`route: ${response.status}`);
    const acknowledged = performance.now();
    for (;;) {
      const agent = new Agent();
      const probe = await request(`${reader.proxyUrl}/${label}-${i}`, { dispatcher: agent });
      await probe.body.arrayBuffer();
      await agent.close();
      if (probe.statusCode === 200) break;
      if (performance.now() - acknowledged > VISIBLE_TIMEOUT_MS) throw new Error(`route ${i} not visible after ${VISIBLE_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 2));
    }
    lags.push(performance.now() - acknowledged);
  }
  return lags.sort((a, b) => a - b);
}

async function withPostgresSchema<T>(work: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const env = { KONG_DATABASE: 'postgres', KONG_PG_HOST: '127.0.0.1', KONG_PG_USER: 'postgres', KONG_PG_DATABASE: 'test', KONG_PG_SCHEMA: schema };
  const boot = spawnSync(process.execPath, [CLI, 'migrations', 'bootstrap'], { env: { ...process.env, ...env, KONG_PREFIX: '/tmp' }, encoding: 'utf8' });
  if (boot.status !== 0) throw new Error(boot.stderr);
  try {
    return await work(env);
  } finally {
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

interface Row { setup: string; sequential: number; concurrent: number; median: number; p99: number; max: number }

async function measure(setup: string, env: Record<string, string>, twoNodes: boolean, upstreamPort: number): Promise<Row> {
  const nodes: GatewayProcess[] = [];
  try {
    nodes.push(await startGatewayProcess({ env, workers: 1 }));
    if (twoNodes) nodes.push(await startGatewayProcess({ env, workers: 1 }));
    const label = setup.replace(/[^a-z0-9]+/gi, '').toLowerCase();
    const sequential = await writeRate(nodes[0]!, 1, label);
    const concurrent = await writeRate(nodes[0]!, 8, label);
    const lags = await visibility(nodes[0]!, nodes[nodes.length - 1]!, upstreamPort, label);
    return { setup, sequential, concurrent, median: percentile(lags, 50), p99: percentile(lags, 99), max: lags[lags.length - 1]! };
  } finally {
    for (const node of nodes) await node.stop();
  }
}

const upstream = createServer((_req, res) => res.end('ok'));
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamPort = (upstream.address() as { port: number }).port;
const rows: Row[] = [];
try {
  rows.push(await measure('SQLite, one node', { KONG_DATABASE: 'sqlite' }, false, upstreamPort));
  rows.push(await withPostgresSchema((env) => measure('Postgres, one node', env, false, upstreamPort)));
  rows.push(await withPostgresSchema((env) => measure('Postgres, two nodes (write on A, read on B)', env, true, upstreamPort)));
} finally {
  upstream.close();
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const table = [
  '| setup | writes/s, 1 client | writes/s, 8 clients | write → visible, median | p99 | max |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.setup} | ${fmt(r.sequential)} | ${fmt(r.concurrent)} | ${fmt(r.median, 1)} ms | ${fmt(r.p99, 1)} ms | ${fmt(r.max, 1)} ms |`),
].join('\n');
const page = `# Admin API benchmarks

Generated by \`node bench/admin.ts\` on ${new Date().toISOString()} (${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}).
One worker per node. Writes: ${WRITES} \`POST /services\` per column over keep-alive connections, each
acknowledged (201) only after the store committed it durably (SQLite WAL with synchronous=FULL; Postgres
commit). Visibility: ${PROBES} times, create a route, then probe the proxy on a fresh connection every
~2 ms until it routes; the lag is measured from the write's 201. SQLite changes are found by polling the
file's data version every 200 ms; Postgres pushes them with LISTEN/NOTIFY (polling as fallback).

${table}
`;
writeFileSync(resolve(ROOT, 'docs/benchmarks-admin.md'), page);
process.stdout.write(`${table}\n`);
