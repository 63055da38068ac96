// Starts the real gateway as a child process (the CLI's `start`), on free loopback ports, in a
// temporary prefix — the way an operator runs it. Used by lifecycle and end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(REPO, 'src/cli/index.ts');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface GatewayProcess {
  child: ChildProcess;
  prefix: string;
  configFile: string;
  proxyUrl: string;
  adminUrl: string;
  statusUrl: string;
  /** Everything the gateway wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export interface GatewayOptions {
  kongYml?: string;
  workers?: number;
  env?: Record<string, string>;
  /** Do not wait for readiness (for start-failure tests). */
  noWait?: boolean;
  /** Reuse a prefix (restart tests); it is then not removed by stop(). */
  prefix?: string;
}

export async function startGatewayProcess(options: GatewayOptions = {}): Promise<GatewayProcess> {
  const prefix = options.prefix ?? mkdtempSync(join(tmpdir(), 'portico-gw-'));
  const configFile = join(prefix, 'kong.yml');
  writeFileSync(configFile, options.kongYml ?? '_format_version: "3.0"\n');
  const [proxyPort, adminPort, statusPort] = [await freePort(), await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    KONG_PREFIX: prefix,
    KONG_DATABASE: 'off',
    // Kong reads a declarative file only DB-less; Portico refuses the mix outright.
    ...((options.env?.KONG_DATABASE ?? 'off') === 'off' ? { KONG_DECLARATIVE_CONFIG: configFile } : {}),
    KONG_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
    KONG_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
    KONG_NGINX_WORKER_PROCESSES: String(options.workers ?? 1),
    KONG_LOG_LEVEL: 'notice',
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI, 'start'], { cwd: prefix, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let errText = '';
  child.stderr!.on('data', (chunk: Buffer) => { errText += chunk.toString(); });
  child.stdout!.on('data', (chunk: Buffer) => { errText += chunk.toString(); });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const gateway: GatewayProcess = {
    child,
    prefix,
    configFile,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    statusUrl: `http://127.0.0.1:${statusPort}`,
    stderr: () => errText,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<null>((r) => { timer = setTimeout(() => { child.kill('SIGKILL'); r(null); }, 15_000); });
      const code = await Promise.race([exited, killed]);
      clearTimeout(timer);
      if (!options.prefix) rmSync(prefix, { recursive: true, force: true });
      return code;
    },
  };
  if (!options.noWait) await waitUntilReady(gateway);
  return gateway;
}

async function waitUntilReady(gateway: GatewayProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (gateway.child.exitCode !== null) throw new Error(`gateway exited early (${gateway.child.exitCode}):\n${gateway.stderr()}`);
    try {
      const response = await fetch(`${gateway.adminUrl}/`);
      await response.arrayBuffer();
      // Every worker listens once the primary says so; one worker's admin answering is not enough.
      if (response.status === 200 && gateway.stderr().includes('Portico started')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await gateway.stop();
  throw new Error(`gateway did not become ready:\n${gateway.stderr()}`);
}

/** Worker pids of a running gateway: the primary's direct children. */
export async function workerPids(primaryPid: number): Promise<number[]> {
  const child = spawn('ps', ['-o', 'pid=', '--ppid', String(primaryPid)]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  await new Promise((r) => child.once('exit', r));
  return out.split('\n').map((line) => Number.parseInt(line.trim(), 10)).filter((pid) => Number.isInteger(pid));
}

/** Status of one proxied request on a fresh connection (so requests spread over the workers). */
export async function freshStatus(gateway: GatewayProcess, path: string): Promise<number> {
  const agent = new Agent();
  try {
    const response = await request(`${gateway.proxyUrl}${path}`, { dispatcher: agent });
    await response.body.arrayBuffer();
    return response.statusCode;
  } finally {
    await agent.close();
  }
}
