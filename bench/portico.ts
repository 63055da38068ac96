// Starts the system under test: Portico (`node src/cli/index.ts start`, DB-less, one worker) or,
// through --target-cmd, any command that listens on a port. Pinned to the proxy CPU.
import { request } from 'node:http';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked, adoptPid, killTree, freePort, waitUntil } from './processes.ts';
import type { Scenario } from './scenarios.ts';

export interface TargetOptions {
  /** Where the target starts (cwd): the HEAD snapshot or the checkout. */
  sourceRoot: string;
  /** Directory for this target's prefix, kong.yml and logs. */
  dir: string;
  upstreamPort: number;
  scenario: Scenario;
  cpus: string | null;
  /** Shell command with {port}, {upstream_port}, {config}, {prefix} placeholders; null = Portico. */
  targetCommand: string | null;
  startTimeoutMs: number;
  /** kong.yml text instead of the scenario's (a plugin variant, the AI route). */
  config?: string;
  /** Flags after the proxy listener's address, e.g. `ssl http2`. */
  listenFlags?: string;
  /** More environment (KONG_SSL_CERT …). */
  env?: Record<string, string>;
  /** Readiness check instead of the scenario's plain-HTTP probe. */
  ready?: (port: number) => Promise<boolean>;
}

export interface RunningTarget {
  port: number;
  /** Root of the process tree whose RSS is sampled. */
  rootPid: () => number;
  logFile: string;
  stop: () => Promise<void>;
}

/** Replaces {name} placeholders in a --target-cmd. Unknown placeholders are an error. */
export function expandTargetCommand(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    if (!(name in values)) throw new Error(`unknown placeholder ${whole} in --target-cmd`);
    return String(values[name]);
  });
}

/** The KONG_* environment for a DB-less, single-worker, loopback-only Portico. */
export function porticoEnvironment(prefix: string, configFile: string, port: number, adminPort: number): Record<string, string> {
  return {
    KONG_PREFIX: prefix,
    KONG_DATABASE: 'off',
    KONG_DECLARATIVE_CONFIG: configFile,
    KONG_PROXY_LISTEN: `127.0.0.1:${port}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
    KONG_STATUS_LISTEN: 'off',
    KONG_ADMIN_GUI_LISTEN: 'off',
    // Kong reads the worker count as nginx_worker_processes; Portico may also accept the short name.
    KONG_NGINX_WORKER_PROCESSES: '1',
    KONG_WORKER_PROCESSES: '1',
    // Kong daemonises by default (nginx_daemon=on); stay in the foreground so the PID is ours.
    KONG_NGINX_DAEMON: 'off',
  };
}

interface ProbeResult {
  status: number;
  bytes: number;
}

export function probe(port: number, path: string, host: string | null, timeoutMs = 5000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const headers = host ? { host } : {};
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`probe of ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** True once `path` answers 200 with the scenario's body size (the config is loaded, not just the port). */
export async function answersCorrectly(port: number, scenario: Scenario): Promise<boolean> {
  try {
    const result = await probe(port, scenario.probe.path, scenario.probe.host);
    return result.status === 200 && result.bytes === scenario.bodyBytes;
  } catch {
    return false;
  }
}

/** The line of a crashed process's output that names the error (Node prints the source line first). */
export function errorLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.find((line) => /^(\w*Error\b|Error:)/.test(line)) ?? lines.at(-1) ?? 'no output';
}

/** A daemonised server leaves its PID in the prefix (Kong: <prefix>/pids/nginx.pid). */
function findPidFile(prefix: string): number | null {
  for (const dir of [join(prefix, 'pids'), prefix]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.pid')) continue;
      const pid = Number(readFileSync(join(dir, name), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) return pid;
    }
  }
  return null;
}

export async function startTarget(options: TargetOptions): Promise<RunningTarget> {
  const { dir, scenario } = options;
  const prefix = join(dir, 'prefix');
  mkdirSync(prefix, { recursive: true });
  const configFile = join(dir, 'kong.yml');
  writeFileSync(configFile, options.config ?? scenario.declarativeConfig(options.upstreamPort));
  const port = await freePort();
  const adminPort = await freePort();
  const logFile = join(dir, 'target.log');
  const env = { ...process.env, ...porticoEnvironment(prefix, configFile, port, adminPort), ...options.env };
  if (options.listenFlags) env.KONG_PROXY_LISTEN = `127.0.0.1:${port} ${options.listenFlags}`;
  const [command, args] =
    options.targetCommand === null
      ? [process.execPath, ['src/cli/index.ts', 'start']]
      : [
          '/bin/sh',
          [
            '-c',
            // exec: the shell is replaced, so the tree we measure is the command's own.
            `exec ${expandTargetCommand(options.targetCommand, {
              port,
              admin_port: adminPort,
              upstream_port: options.upstreamPort,
              config: configFile,
              prefix,
            })}`,
          ],
        ];
  const child = spawnTracked('target', command, args, { cwd: options.sourceRoot, env, cpus: options.cpus, logFile });
  let rootPid = child.pid;
  let daemonised = false;
  await waitUntil(
    `target on port ${port}`,
    () => (options.ready ? options.ready(port) : answersCorrectly(port, scenario)),
    options.startTimeoutMs,
    () => {
      if (!child.hasExited() || daemonised) return null;
      const pid = findPidFile(prefix);
      if (pid === null) return `exited before serving: ${errorLine(child.outputTail())}`;
      adoptPid(pid);
      rootPid = pid;
      daemonised = true;
      return null;
    },
  ).catch(async (error: unknown) => {
    await killTree(rootPid);
    throw error;
  });
  return { port, rootPid: () => rootPid, logFile, stop: () => killTree(rootPid) };
}
