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
  if (child.pid === undefined) throw new Error(`could not start ${label}: ${file} ${argv.join(' ')}`);
  let tail = '';
  let done = false;
  const log = options.logFile ? createWriteStream(options.logFile) : null;
  const collect = (chunk: Buffer): void => {
    log?.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (error) => {
      tail += `\n${error.message}`;
    });
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

/** Resident set size of one process in bytes (VmRSS), or 0 when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function treeRssBytes(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux architecture we run on.
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export function treeCpuSeconds(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** Jiffies one CPU spent busy in processes (user, nice, system, steal) and in total, from /proc/stat. */
export function cpuJiffies(cpu: number): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((entry) => entry.startsWith(`cpu${cpu} `));
    if (!line) return null;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    // irq/softirq are left out of "busy": loopback traffic of the system under test lands there
    // without being charged to its process, so counting them would blame the test on others.
    return { busy: user + nice + system + (steal || 0), total: user + nice + system + idle + iowait + irq + softirq + (steal || 0) };
  } catch {
    return null;
  }
}

export interface TreeUsage {
  peakRssBytes: number;
  /** CPU seconds the tree used between start and stop. */
  cpuSeconds: number;
  /** Share of `cpu`'s time other processes used meanwhile (null without a dedicated CPU). */
  foreignCpuShare: number | null;
}

/**
 * Samples the RSS of a process tree on an interval, keeping the peak, and measures the CPU time
 * the tree used meanwhile — CPU per request holds up when other work shares the machine, where
 * req/s does not. With `cpu` (the CPU the tree is pinned to alone) it also measures how much of
 * that CPU other processes took, which says how disturbed the run was.
 */
export function startUsageSampler(rootPid: number, cpu: number | null = null, intervalMs = 200): { stop: () => TreeUsage } {
  let peak = treeRssBytes(rootPid);
  const cpuAtStart = treeCpuSeconds(rootPid);
  const jiffiesAtStart = cpu === null ? null : cpuJiffies(cpu);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssBytes(rootPid));
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const cpuSeconds = treeCpuSeconds(rootPid) - cpuAtStart;
      const jiffiesAtEnd = cpu === null ? null : cpuJiffies(cpu);
      let foreignCpuShare: number | null = null;
      if (jiffiesAtStart && jiffiesAtEnd && jiffiesAtEnd.total > jiffiesAtStart.total) {
        const busy = (jiffiesAtEnd.busy - jiffiesAtStart.busy) / CLOCK_TICKS_PER_SECOND;
        const total = (jiffiesAtEnd.total - jiffiesAtStart.total) / CLOCK_TICKS_PER_SECOND;
        foreignCpuShare = Math.min(1, Math.max(0, (busy - cpuSeconds) / total));
      }
      return { peakRssBytes: Math.max(peak, treeRssBytes(rootPid)), cpuSeconds, foreignCpuShare };
    },
  };
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
