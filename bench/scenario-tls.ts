// HTTPS passthrough and HTTP/2 over TLS: Portico (`ssl http2` proxy listener) against nginx
// doing the same (`listen … ssl http2`, upstream keep-alive), in the same run, both with the same
// certificate in front of the same nginx upstream. HTTPS/1.1 load comes from wrk; HTTP/2 load
// from h2load when installed (nghttp2-client), else from the bounded node:http2 client below.
// Standalone until bench/run.ts grows a TLS hook:
//   node bench/scenario-tls.ts [seconds]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderProxyConf, renderUpstreamConf, startNginx, writeLargeBody } from './nginx.ts';
import { porticoEnvironment } from './portico.ts';
import { canConnect, freePort, killAllTracked, killTree, spawnTracked, waitUntil } from './processes.ts';
import { passthroughConfig } from './scenarios.ts';
import { runWrk } from './wrk.ts';

export interface TlsFiles { cert: string; key: string }

/** The baseline nginx proxy (bench/nginx.ts) with its listener switched to `ssl http2`. */
export function renderTlsProxyConf(dir: string, port: number, upstreamPort: number, tls: TlsFiles): string {
  const plain = `listen 127.0.0.1:${port} backlog=4096;`;
  const conf = renderProxyConf(dir, port, upstreamPort);
  if (!conf.includes(plain)) throw new Error('bench/nginx.ts proxy listener changed; update renderTlsProxyConf');
  return conf.replace(plain, `listen 127.0.0.1:${port} ssl http2 backlog=4096;
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    ssl_protocols TLSv1.2 TLSv1.3;
    http2_max_concurrent_streams 100;`);
}

export interface LoadResult { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number }

/** HTTP/2 load with node:http2: `sessions` connections × `streams` concurrent requests each. */
export async function http2Load(port: number, seconds: number, sessions = 10, streams = 10): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const runSession = (): Promise<void> => new Promise((done) => {
    const session = connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    session.on('error', () => { errors += 1; });
    let active = 0;
    const next = (): void => {
      if (Date.now() >= deadline || session.destroyed) { if (active === 0) { session.close(); done(); } return; }
      active += 1;
      const started = process.hrtime.bigint();
      const stream = session.request({ ':path': '/', ':authority': 'bench.test' });
      stream.on('data', () => undefined);
      stream.on('error', () => { errors += 1; });
      stream.on('close', () => {
        active -= 1;
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        next();
      });
      stream.end();
    };
    for (let index = 0; index < streams; index++) next();
  });
  const started = Date.now();
  await Promise.all(Array.from({ length: sessions }, runSession));
  latencies.sort((a, b) => a - b);
  const at = (quantile: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * quantile))] ?? 0;
  return { requestsPerSecond: latencies.length / ((Date.now() - started) / 1000), p50Ms: at(0.5), p99Ms: at(0.99), errors };
}

function h2loadAvailable(): boolean {
  try { execFileSync('h2load', ['--version'], { stdio: 'pipe' }); return true; } catch { return false; }
}

function h2load(port: number, seconds: number): LoadResult {
  const out = execFileSync('h2load', ['-D', String(seconds), '-c', '10', '-m', '10', '-t', '1', `https://127.0.0.1:${port}/`], { encoding: 'utf8' });
  const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out)?.[1] ?? 0);
  const failed = Number(/(\d+) failed/.exec(out)?.[1] ?? 0);
  const mean = Number(/time for request:\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms)/.exec(out)?.[1] ?? 0);
  return { requestsPerSecond: rps, p50Ms: mean, p99Ms: Number.NaN, errors: failed };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-tls-'));
  const repo = resolve(import.meta.dirname, '..');
  try {
    const tls: TlsFiles = { cert: join(dir, 'bench.crt'), key: join(dir, 'bench.key') };
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=bench.test',
      '-days', '2', '-keyout', tls.key, '-out', tls.cert], { stdio: 'pipe' });
    writeLargeBody(join(dir, 'static'));
    const upstreamPort = await freePort();
    const upstream = await startNginx('upstream', join(dir, 'upstream'), renderUpstreamConf(join(dir, 'upstream'), upstreamPort, join(dir, 'static')), upstreamPort, null);
    const nginxPort = await freePort();
    const nginx = await startNginx('nginx-tls', join(dir, 'nginx-tls'), renderTlsProxyConf(join(dir, 'nginx-tls'), nginxPort, upstreamPort, tls), nginxPort, null);
    const porticoPort = await freePort();
    const configFile = join(dir, 'kong.yml');
    writeFileSync(configFile, passthroughConfig(upstreamPort));
    const env = {
      ...process.env, ...porticoEnvironment(join(dir, 'prefix'), configFile, porticoPort, await freePort()),
      KONG_PROXY_LISTEN: `127.0.0.1:${porticoPort} ssl http2`, KONG_SSL_CERT: tls.cert, KONG_SSL_CERT_KEY: tls.key,
    };
    const portico = spawnTracked('portico-tls', process.execPath, ['src/cli/index.ts', 'start'], { cwd: repo, env, cpus: null, logFile: join(dir, 'portico.log') });
    await waitUntil('portico-tls', () => canConnect(porticoPort), 20_000, () => (portico.hasExited() ? portico.outputTail() : null));
    const useH2load = h2loadAvailable();
    const rows: string[] = ['| system | HTTPS/1.1 req/s (wrk) | p99 ms | HTTP/2 req/s | h2 p50 ms | errors |', '|---|---|---|---|---|---|'];
    for (const [name, port] of [['nginx', nginxPort], ['portico', porticoPort]] as const) {
      const h1 = await runWrk({ url: `https://127.0.0.1:${port}/`, durationSeconds: seconds, connections: 50, threads: 1, cpus: null });
      const h2 = useH2load ? h2load(port, seconds) : await http2Load(port, seconds);
      rows.push(`| ${name} | ${h1.requestsPerSecond.toFixed(0)} | ${h1.p99Ms.toFixed(2)} | ${h2.requestsPerSecond.toFixed(0)} | ${h2.p50Ms.toFixed(2)} | ${h1.non2xx + h2.errors} |`);
    }
    process.stdout.write(`HTTP/2 load: ${useH2load ? 'h2load -c10 -m10' : 'node:http2, 10 sessions × 10 streams (the generator may saturate first)'}\n${rows.join('\n')}\n`);
    await killTree(portico.pid);
    await killTree(nginx.process.pid);
    await killTree(upstream.process.pid);
  } finally {
    await killAllTracked();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
