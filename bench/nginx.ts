// The two nginx baselines: the upstream (one worker, `return 200` with a 100-byte body, plus a
// static 1 MB file for large-body) and a one-worker reverse proxy with upstream keep-alive.
// Both follow /work/shared/perf/nginx-*.conf, with ports and temp paths made per-run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked, canConnect, freePort, waitUntil } from './processes.ts';
import type { Tracked } from './processes.ts';

export const SMALL_BODY = 'x'.repeat(100);
export const LARGE_BODY_BYTES = 1024 * 1024;
export const LARGE_BODY_PATH = '/1m.bin';

export function commonHttpBlock(dir: string): string {
  return `
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 65s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;`;
}

export function header(dir: string): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
`;
}

export function renderUpstreamConf(dir: string, port: number, staticRoot: string): string {
  return `${header(dir)}http {${commonHttpBlock(dir)}
  sendfile on;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location = ${LARGE_BODY_PATH} { root ${staticRoot}; default_type application/octet-stream; }
    location / { default_type text/plain; return 200 "${SMALL_BODY}"; }
  }
}
`;
}

export function renderProxyConf(dir: string, port: number, upstreamPort: number): string {
  // The small-body location is the shared baseline (/work/shared/perf/nginx-proxy.conf) unchanged.
  // The large-body location streams through memory (proxy_max_temp_file_size 0: no temp-file
  // spooling, as a streaming gateway does) with 64k buffers: measured here, nginx's 4k/8k defaults
  // cost ~1000 CPU µs per 1 MiB response against ~220 µs with these, so the defaults would be a
  // weak baseline.
  const proxied = 'proxy_pass http://up_text; proxy_http_version 1.1; proxy_set_header Connection "";';
  return `${header(dir)}http {${commonHttpBlock(dir)}
  upstream up_text { server 127.0.0.1:${upstreamPort}; keepalive 128; keepalive_requests 1000000; keepalive_timeout 60s; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { ${proxied} }
    location = ${LARGE_BODY_PATH} {
      ${proxied}
      proxy_max_temp_file_size 0;
      proxy_buffer_size 64k;
      proxy_buffers 8 64k;
      proxy_busy_buffers_size 128k;
    }
  }
}
`;
}

export interface NginxInstance {
  port: number;
  process: Tracked;
}

/** Starts nginx in the foreground (`daemon off`) so the spawned PID is the master. */
export async function startNginx(
  label: string,
  dir: string,
  conf: string,
  port: number,
  cpus: string | null,
  nginxBinary = 'nginx',
): Promise<NginxInstance> {
  mkdirSync(dir, { recursive: true });
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  // -e: nginx opens its compiled-in error log before reading the config; point it at our dir.
  const process = spawnTracked(
    label,
    nginxBinary,
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', confFile, '-g', 'daemon off;'],
    { cpus, logFile: join(dir, 'stdout.log') },
  );
  await waitUntil(`${label} on port ${port}`, () => canConnect(port), 10_000, () =>
    process.hasExited() ? `exited early: ${process.outputTail()}` : null,
  );
  return { port, process };
}

/** Writes the 1 MB static file the upstream serves for the large-body scenario. */
export function writeLargeBody(staticRoot: string): void {
  mkdirSync(staticRoot, { recursive: true });
  const body = Buffer.alloc(LARGE_BODY_BYTES, 'abcdefghijklmnopqrstuvwxyz0123456789\n');
  writeFileSync(join(staticRoot, LARGE_BODY_PATH.slice(1)), body);
}

export interface Baselines {
  upstream: NginxInstance;
  proxy: NginxInstance;
}

/** The upstream (with the large-body file) and the nginx reverse proxy in front of it, under `dir`. */
export async function startBaselines(dir: string, upstreamCpus: string | null, proxyCpus: string | null): Promise<Baselines> {
  const staticRoot = join(dir, 'static');
  writeLargeBody(staticRoot);
  const upstreamDir = join(dir, 'upstream');
  const upstreamPort = await freePort();
  const upstream = await startNginx('upstream', upstreamDir, renderUpstreamConf(upstreamDir, upstreamPort, staticRoot), upstreamPort, upstreamCpus);
  const proxyDir = join(dir, 'nginx-proxy');
  const proxyPort = await freePort();
  const proxy = await startNginx('nginx-proxy', proxyDir, renderProxyConf(proxyDir, proxyPort, upstreamPort), proxyPort, proxyCpus);
  return { upstream, proxy };
}

export interface TlsFiles {
  cert: string;
  key: string;
}

/** The baseline proxy with its listener switched to `ssl http2` (the https and http2 scenarios). */
export function renderTlsProxyConf(dir: string, port: number, upstreamPort: number, tls: TlsFiles): string {
  const plain = `listen 127.0.0.1:${port} backlog=4096;`;
  const conf = renderProxyConf(dir, port, upstreamPort);
  if (!conf.includes(plain)) throw new Error('renderProxyConf changed its listener; update renderTlsProxyConf');
  return conf.replace(
    plain,
    `listen 127.0.0.1:${port} ssl http2 backlog=4096;
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    ssl_protocols TLSv1.2 TLSv1.3;
    http2_max_concurrent_streams 100;`,
  );
}
