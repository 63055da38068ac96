// Finding and signalling a running Portico: the pid file in the prefix, liveness checks, and
// waiting for exit. Used by stop, quit, restart, reload and health.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { kongEnvPath, loadSettings, pidFilePath, type Settings } from '../config/index.ts';
import { CliError } from './args.ts';

/**
 * Settings of the instance living in a prefix. Like Kong's stop/health, the prefix comes from
 * `-p` (else the configured default), and its `.kong_env` — the configuration that instance was
 * started with — is preferred over the current environment when present.
 */
export function settingsForPrefix(prefixFlag: string | undefined): Settings {
  const overrides: Record<string, string> = prefixFlag === undefined ? {} : { prefix: prefixFlag };
  const current = loadSettings({ overrides });
  const kongEnv = kongEnvPath(current.prefix);
  if (!existsSync(kongEnv)) return current;
  return loadSettings({ confPath: kongEnv, env: {}, overrides: { prefix: current.prefix } });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the running instance, or null when there is none (no file, stale file). */
export function runningPid(prefix: string): number | null {
  let text: string;
  try {
    text = readFileSync(pidFilePath(prefix), 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

export function requireRunningPid(prefix: string): number {
  const pid = runningPid(prefix);
  if (pid === null) throw new CliError(`Portico is not running at ${prefix}`);
  return pid;
}

/** Polls until the process is gone; false when it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
