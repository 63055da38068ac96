// Child-process bookkeeping for the bench: every process it starts is recorded here and killed by
// PID (with its descendants) at the end, on error and on SIGINT/SIGTERM — never by name.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';

export interface Tracked {
  label: string;
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  hasExited: () => boolean;
  /** Last few KB of stdout+stderr, for error messages. */
  outputTail: () => string;
}

const tracked = new Set<Tracked>();
/** PIDs that were adopted (e.g. a daemon's pid file) rather than spawned by us. */
const adoptedPids = new Set<number>();

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** CPU list for taskset (e.g. "0"); null leaves the process unpinned. */
  cpus: string | null;
  /** File that receives stdout and stderr. */
  logFile?: string;
}

const TAIL_BYTES = 4096;

export function spawnTracked(label: string, command: string, args: readonly string[], options: SpawnOptions): Tracked {
  const [file, argv] = options.cpus === null ? [command, [...args]] : ['taskset', ['-c', options.cpus, command, ...args]];
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let done = false;
  // Registered before anything can throw: an unhandled 'error' (binary missing) would crash the run.
  child.on('error', (error) => {
    done = true;
    tail += `\n${error.message}`;
  });
  if (child.pid === undefined) throw new Error(`could not start ${label}: ${file} ${argv.join(' ')}`);
  const log = options.logFile ? createWriteStream(options.logFile) : null;
  const collect = (chunk: Buffer): void => {
    log?.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // 'exit' is when the process is gone; 'close' waits for its output too (which children that
  // inherited the pipes may hold open), so `exited` resolves only once every byte was read.
  child.on('exit', () => {
    done = true;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      log?.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const entry: Tracked = { label, child, pid: child.pid, exited, hasExited: () => done, outputTail: () => tail };
  tracked.add(entry);
  void exited.then(() => tracked.delete(entry));
  return entry;
}

/**
 * Spawns a server and waits until `ready` says it serves; a start that times out or exits first is
 * killed (with its children) and reported with the end of its output.
 */
export async function spawnServing(
  label: string, command: string, args: readonly string[], options: SpawnOptions & { ready: () => Promise<boolean>; timeoutMs: number },
): Promise<Tracked> {
  const child = spawnTracked(label, command, args, options);
  await waitUntil(label, options.ready, options.timeoutMs, () => (child.hasExited() ? `exited: ${child.outputTail().slice(-300)}` : null)).catch(async (error: unknown) => {
    await killTree(child.pid);
    throw error;
  });
  return child;
}

/** Registers a PID we did not spawn (a daemonised server) so that cleanup kills it too. */
export function adoptPid(pid: number): void {
  adoptedPids.add(pid);
}

/** Direct children of a PID from /proc (all threads' children files). */
function childrenOf(pid: number): number[] {
  const result: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return result;
  }
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) {
        if (child.trim() !== '') result.push(Number(child));
      }
    } catch {
      // The thread ended between readdir and read; its children belong to another thread.
    }
  }
  return result;
}

/** The PID and all of its descendants that are alive now. */
export function processTree(rootPid: number): number[] {
  const seen: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    if (seen.includes(pid)) continue;
    seen.push(pid);
    pending.push(...childrenOf(pid));
  }
  return seen.filter((pid) => isAlive(pid));
}

/** Running (not a zombie): an orphan's zombie lingers until PID 1 reaps it, but it is gone for us. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM a process tree, then SIGKILL whatever is still alive after the grace period. */
export async function killTree(rootPid: number, graceMs = 3000): Promise<void> {
  const pids = processTree(rootPid);
  signalAll(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  signalAll(pids.filter(isAlive), 'SIGKILL');
}

export async function killAllTracked(): Promise<void> {
  const roots = [...[...tracked].filter((entry) => !entry.hasExited()).map((entry) => entry.pid), ...adoptedPids];
  adoptedPids.clear();
  await Promise.all(roots.map((pid) => killTree(pid)));
}

/** Synchronous last resort for process exit: SIGKILL every tracked tree. */
export function killAllTrackedNow(): void {
  const roots = [...[...tracked].map((entry) => entry.pid), ...adoptedPids];
  for (const root of roots) signalAll(processTree(root), 'SIGKILL');
}

/** A loopback port that was free a moment ago (bound to port 0, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` until it returns true; fails after the timeout or when `abort` says so. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  abort?: () => string | null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}
