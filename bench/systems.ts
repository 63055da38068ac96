// The systems of the plugin, AI and TLS scenarios (the baselines ones are built in run.ts with the Collector): each
// started pinned to the proxy CPU, on loopback, and stopped by PID when the scenario ends.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { renderProxyConf, renderTlsProxyConf, startNginx } from './nginx.ts';
import { h2loadAvailable } from './h2load.ts';
import { startNodeBare } from './node-bare.ts';
import { DIRECT, NGINX_PROXY, NODE_BARE } from './report.ts';
import { PORTKEY, PORTKEY_HEADLESS } from './report-extra.ts';
import { startTarget } from './portico.ts';
import { canConnect, freePort, killTree, spawnServing } from './processes.ts';
import {
  ANTHROPIC_MOCK_BODY, BENCH_API_KEY, BENCH_PROVIDER_KEY, CHAT_PATH, CHAT_REQUEST_BODY, PLUGIN_VARIANTS, REDIS_PORT,
  aiProxyConfig, pluginConfig, renderMockConf,
} from './scenarios-extra.ts';
import type { MeasuredSystem, StartedSystem } from './measure.ts';
import type { TlsFiles } from './nginx.ts';
import type { RunningTarget } from './portico.ts';
import type { Scenario } from './scenarios.ts';

export interface SystemContext {
  scenario: Scenario;
  /** Scratch directory of this scenario. */
  dir: string;
  /** The run's directory (certificates are made once per run). */
  runDir: string;
  upstreamPort: number;
  sourceRoot: string;
  proxyCpus: string | null;
  proxyCpu: number | null;
  /** wrk's CPU; the AI mock runs there like the upstream of the other scenarios. */
  loadCpus: string | null;
  targetCommand: string | null;
  targetName: string;
  startTimeoutMs: number;
  /** Where Portkey's gateway is installed (npm install --prefix <dir> @portkey-ai/gateway). */
  portkeyDir: string;
  log: (line: string) => void;
}

export interface ScenarioSystems {
  systems: MeasuredSystem[];
  /** Systems that could not be started, with the reason (reported in the tables). */
  failures: { target: string; error: string }[];
  stop: () => Promise<void>;
}

// Self-signed test certificates: the probes must not verify them.
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** True when `url` answers 200 and the body passes `accept`. */
export async function answers(
  url: string,
  accept: (body: string) => boolean,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<boolean> {
  try {
    const response = await request(url, { ...init, dispatcher: url.startsWith('https:') ? insecure : undefined, headersTimeout: 5000, bodyTimeout: 5000 });
    const body = await response.body.text();
    return response.statusCode === 200 && accept(body);
  } catch {
    return false;
  }
}

function reason(error: unknown): string {
  return `did not start: ${error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 300) : String(error)}`;
}

/** Starts a scenario's systems one by one; one that fails is recorded with its reason, not fatal. */
export class Collector {
  systems: MeasuredSystem[] = [];
  failures: { target: string; error: string }[] = [];
  private readonly stops: (() => Promise<void>)[] = [];
  private readonly log: (line: string) => void;
  constructor(log: (line: string) => void) {
    this.log = log;
  }
  async add(name: string, start: () => Promise<StartedSystem>, cpu: number | null): Promise<void> {
    try {
      const started = await start();
      this.stops.push(started.stop);
      this.systems.push({ name, cpu, ...started.system });
      this.log(`  ${name} serving on ${started.system.port} (pid ${started.system.rootPid})`);
    } catch (error) {
      this.failures.push({ target: name, error: reason(error) });
      this.log(`  ${name} ${reason(error)}`);
    }
  }
  result(): ScenarioSystems {
    return { systems: this.systems, failures: this.failures, stop: async () => void (await Promise.all(this.stops.map((stop) => stop()))) };
  }
}

function portico(context: SystemContext, label: string, extra: { config?: string; listenFlags?: string; env?: Record<string, string>; ready?: (port: number) => Promise<boolean> }): Promise<RunningTarget> {
  return startTarget({
    sourceRoot: context.sourceRoot,
    dir: join(context.dir, label),
    upstreamPort: context.upstreamPort,
    scenario: context.scenario,
    cpus: context.proxyCpus,
    targetCommand: context.targetCommand,
    startTimeoutMs: context.startTimeoutMs,
    ...extra,
  });
}

const hundredBytes = (body: string): boolean => body.length === 100;

/** Portico passthrough and one Portico per plugin variant, all on the proxy CPU (idle when not measured). */
export async function pluginSystems(context: SystemContext): Promise<ScenarioSystems> {
  const collector = new Collector(context.log);
  const { targetName: subject } = context;
  await collector.add(subject, async () => {
    const target = await portico(context, 'passthrough', {});
    return { system: { port: target.port, rootPid: target.rootPid() }, stop: target.stop };
  }, context.proxyCpu);
  for (const variant of PLUGIN_VARIANTS) {
    const headers = variant.sendsKey ? { apikey: BENCH_API_KEY } : undefined;
    await collector.add(`${subject}+${variant.name}`, async () => {
      if (variant.name.includes('redis') && !(await canConnect(REDIS_PORT))) throw new Error(`no Redis at 127.0.0.1:${REDIS_PORT}`);
      const ready = (port: number): Promise<boolean> => answers(`http://127.0.0.1:${port}/`, hundredBytes, { headers });
      const target = await portico(context, variant.name, { config: pluginConfig(context.upstreamPort, variant), ready });
      const port = target.port;
      return { system: { port, rootPid: target.rootPid(), headers, check: () => ready(port) }, stop: target.stop };
    }, context.proxyCpu);
  }
  return collector.result();
}

const chatInit = (headers: Record<string, string>): { method: 'POST'; headers: Record<string, string>; body: string } => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: CHAT_REQUEST_BODY,
});

/** An OpenAI chat completion carrying the mock's text: the translation really happened. */
export function isChatCompletion(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { object?: string; choices?: { message?: { content?: unknown } }[] };
    return parsed.object === 'chat.completion' && typeof parsed.choices?.[0]?.message?.content === 'string';
  } catch {
    return false;
  }
}

/** The mock direct, Portico's ai-proxy, node-bare and Portkey's gateway, all but the first in front of the mock. */
export async function aiSystems(context: SystemContext): Promise<ScenarioSystems> {
  const collector = new Collector(context.log);
  const mockDir = join(context.dir, 'anthropic-mock');
  const mockPort = await freePort();
  const mock = await startNginx('anthropic-mock', mockDir, renderMockConf(mockDir, mockPort), mockPort, context.loadCpus);
  await collector.add(DIRECT, async () => {
    const url = `http://127.0.0.1:${mockPort}/v1/messages`;
    const check = (): Promise<boolean> => answers(url, (body) => body === ANTHROPIC_MOCK_BODY, chatInit({}));
    return { system: { port: mockPort, rootPid: mock.process.pid, url, check }, stop: () => killTree(mock.process.pid) };
  }, null);
  // nginx relaying to the mock without translating: the cost of the proxy hop alone on this machine
  // (at one connection its p99 is mostly the wake-ups of idle CPUs, which every proxy here pays).
  await collector.add(NGINX_PROXY, async () => {
    const dir = join(context.dir, 'nginx-proxy');
    const port = await freePort();
    const nginx = await startNginx('nginx-proxy-ai', dir, renderProxyConf(dir, port, mockPort), port, context.proxyCpus);
    const url = `http://127.0.0.1:${port}/v1/messages`;
    const check = (): Promise<boolean> => answers(url, (body) => body === ANTHROPIC_MOCK_BODY, chatInit({}));
    return { system: { port, rootPid: nginx.process.pid, url, check }, stop: () => killTree(nginx.process.pid) };
  }, context.proxyCpu);
  // Portico and node-bare are configured with the mock's address, so the client sends no provider headers.
  const ready = (port: number): Promise<boolean> => answers(`http://127.0.0.1:${port}${CHAT_PATH}`, isChatCompletion, chatInit({}));
  await collector.add(context.targetName, async () => {
    const target = await portico(context, 'ai-proxy', { config: aiProxyConfig(mockPort), ready });
    const port = target.port;
    return { system: { port, rootPid: target.rootPid(), check: () => ready(port) }, stop: target.stop };
  }, context.proxyCpu);
  // The least a Node gateway does for the same translation (bench/bare-proxy.ts in ai mode).
  await collector.add(NODE_BARE, () => startNodeBare({
    dir: context.dir, upstreamPort: mockPort, ai: true, cpus: context.proxyCpus, startTimeoutMs: context.startTimeoutMs,
    ready,
  }), context.proxyCpu);
  // Portkey as `npx @portkey-ai/gateway` starts it (the 1.5k req/s baseline), and in its
  // fastest mode (no console UI, NODE_ENV=production): both are reported.
  await collector.add(PORTKEY, () => startPortkey(context, PORTKEY, mockPort, [], {}), context.proxyCpu);
  await collector.add(PORTKEY_HEADLESS, () => startPortkey(context, PORTKEY_HEADLESS, mockPort, ['--headless'], { NODE_ENV: 'production' }), context.proxyCpu);
  return collector.result();
}

async function startPortkey(
  context: SystemContext, name: string, mockPort: number, flags: string[], env: Record<string, string>,
): Promise<StartedSystem> {
  const entry = join(context.portkeyDir, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (!existsSync(entry)) throw new Error(`Portkey gateway not installed at ${entry}`);
  const port = await freePort();
  // Portkey picks the provider from x-portkey-provider and the base URL from x-portkey-custom-host
  // (its anthropic provider appends /messages); the bearer token becomes Anthropic's x-api-key.
  const headers = {
    'x-portkey-provider': 'anthropic',
    'x-portkey-custom-host': `http://127.0.0.1:${mockPort}/v1`,
    authorization: `Bearer ${BENCH_PROVIDER_KEY}`,
  };
  const url = `http://127.0.0.1:${port}${CHAT_PATH}`;
  const check = (): Promise<boolean> => answers(url, isChatCompletion, chatInit(headers));
  const child = await spawnServing(name, process.execPath, [entry, `--port=${port}`, ...flags], {
    cwd: context.dir,
    env: { ...process.env, ...env },
    cpus: context.proxyCpus,
    logFile: join(context.dir, `${name}.log`),
    ready: check,
    timeoutMs: context.startTimeoutMs,
  });
  return { system: { port, rootPid: child.pid, url, headers, check }, stop: () => killTree(child.pid) };
}

/** An EC P-256 self-signed certificate for 127.0.0.1/bench.test, made once per run. */
export function benchCertificate(dir: string): TlsFiles {
  const files = { cert: join(dir, 'bench.crt'), key: join(dir, 'bench.key') };
  if (!existsSync(files.cert)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=bench.test',
      '-addext', 'subjectAltName=DNS:bench.test,IP:127.0.0.1', '-days', '2', '-keyout', files.key, '-out', files.cert], { stdio: 'pipe', timeout: 20_000 });
  }
  return files;
}

/** nginx and Portico both terminating TLS with `ssl http2` and the same certificate. */
export async function tlsSystems(context: SystemContext): Promise<ScenarioSystems> {
  const collector = new Collector(context.log);
  if (context.scenario.load === 'h2load' && !h2loadAvailable()) {
    // Without h2load there is no HTTP/2 load generator of comparable cost; say so instead of guessing.
    const error = 'not measured: h2load (Debian package nghttp2-client) is not installed';
    collector.failures.push({ target: NGINX_PROXY, error }, { target: context.targetName, error });
    return collector.result();
  }
  const tls = benchCertificate(context.runDir);
  const ready = (port: number): Promise<boolean> => answers(`https://127.0.0.1:${port}/`, hundredBytes);
  await collector.add(NGINX_PROXY, async () => {
    const dir = join(context.dir, 'nginx-tls');
    const port = await freePort();
    const nginx = await startNginx('nginx-tls', dir, renderTlsProxyConf(dir, port, context.upstreamPort, tls), port, context.proxyCpus);
    return { system: { port, rootPid: nginx.process.pid, url: `https://127.0.0.1:${port}/`, check: () => ready(port) }, stop: () => killTree(nginx.process.pid) };
  }, context.proxyCpu);
  await collector.add(context.targetName, async () => {
    const target = await portico(context, 'tls', { listenFlags: 'ssl http2', env: { KONG_SSL_CERT: tls.cert, KONG_SSL_CERT_KEY: tls.key }, ready });
    const port = target.port;
    return { system: { port, rootPid: target.rootPid(), url: `https://127.0.0.1:${port}/`, check: () => ready(port) }, stop: target.stop };
  }, context.proxyCpu);
  return collector.result();
}
