// What a process tree costs while it is measured: peak RSS (VmRSS), CPU time (utime + stime)
// from /proc, and how much of its CPU other processes took meanwhile (/proc/stat).
import { readFileSync } from 'node:fs';
import { processTree } from './processes.ts';

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Busy share (0–1) of one CPU over a window; null when /proc/stat has no such CPU. */
export async function cpuBusyShare(cpu: number, windowMs: number): Promise<number | null> {
  const before = cpuJiffies(cpu);
  await sleep(windowMs);
  const after = cpuJiffies(cpu);
  if (!before || !after || after.total <= before.total) return null;
  return (after.busy - before.busy) / (after.total - before.total);
}

export interface QuietWait {
  waitedMs: number;
  /** Busy share of the CPU in the last window looked at. */
  lastShare: number | null;
  quiet: boolean;
}

/**
 * Waits (at most `capMs`) until the proxy CPU is nearly idle before a measured run, because on a
 * shared machine other people's work lands on that CPU and halves the proxy's throughput. Our own
 * proxies are idle between runs, so whatever keeps the CPU busy then is someone else's.
 */
export async function waitForQuietCpu(cpu: number, maxShare: number, capMs: number, windowMs = 500): Promise<QuietWait> {
  const started = Date.now();
  for (;;) {
    const share = await cpuBusyShare(cpu, windowMs);
    const waitedMs = Date.now() - started;
    if (share === null || share <= maxShare) return { waitedMs, lastShare: share, quiet: true };
    if (waitedMs >= capMs) return { waitedMs, lastShare: share, quiet: false };
  }
}
