// Measures one scenario against every system in the same pass: warm each up, then interleave the
// measured runs (A B C, A B C, …) so slow drift of the machine spreads evenly over the systems.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startUsageSampler, waitForQuietCpu } from './usage.ts';
import { answersCorrectly } from './portico.ts';
import { summarizeRuns } from './stats.ts';
import { runWrk } from './wrk.ts';
import { runH2load } from './h2load.ts';

// HTTP/2 load: 10 connections × 10 concurrent streams (100 in flight, as wrk's 50 connections
// keep 50 requests in flight; h2 multiplexing needs streams to show its effect).
export const H2_CONNECTIONS = 10;
export const H2_STREAMS = 10;
import type { RunSample, WrkResult } from './stats.ts';
import type { Scenario } from './scenarios.ts';
import type { LightLoadResult, TargetOutcome } from './report.ts';

export interface MeasuredSystem {
  name: string;
  port: number;
  /** Root of the process tree whose RSS counts for this system. */
  rootPid: number;
  /** The CPU this system has to itself (its foreign load is measured there), or null. */
  cpu: number | null;
  /** Full URL for the load generator (https, another path); default http://127.0.0.1:<port><scenario path>. */
  url?: string;
  /** Extra request headers (wrk -H): an API key, the provider selection of an AI gateway. */
  headers?: Record<string, string>;
  /** Whether the system answers correctly; default: the scenario's probe over plain HTTP. */
  check?: () => Promise<boolean>;
}

/** A system that was started for a scenario: what to measure (its name and CPU are the caller's) and how to stop it. */
export interface StartedSystem {
  system: Omit<MeasuredSystem, 'name' | 'cpu'>;
  stop: () => Promise<void>;
}

export interface MeasureSettings {
  warmupSeconds: number;
  /** Unmeasured load right before every measured run (0 = none). */
  rewarmSeconds: number;
  durationSeconds: number;
  runs: number;
  connections: number;
  threads: number;
  loadCpus: string | null;
  /** Where the scenario's Lua script is written. */
  dir: string;
  /** Before each measured run wait (up to quietWaitMs) for this CPU to be nearly idle; null = don't. */
  quietCpu: number | null;
  quietMaxShare: number;
  quietWaitMs: number;
  /** A run where others took more than this share of the proxy CPU is measured again. */
  maxForeignShare: number;
  log: (line: string) => void;
}

interface Progress {
  system: MeasuredSystem;
  samples: RunSample[];
  /** Runs thrown away because other processes disturbed them (kept for the JSON record). */
  discarded: RunSample[];
  redoLeft: number;
  peakRss: number;
  error: string | null;
}

/**
 * When redos ran out, a later run may still be more disturbed than one thrown away earlier: keep
 * the `runs` least disturbed of all measured runs for the medians, record the rest as redone.
 */
export function keepLeastDisturbed(entry: { samples: RunSample[]; discarded: RunSample[] }, runs: number): void {
  const all = [...entry.samples, ...entry.discarded];
  const ranked = [...all].sort((a, b) => (a.foreignCpuShare ?? 0) - (b.foreignCpuShare ?? 0));
  const kept = new Set(ranked.slice(0, runs));
  entry.samples = all.filter((sample) => kept.has(sample));
  entry.discarded = all.filter((sample) => !kept.has(sample));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

export async function measureScenario(
  scenario: Scenario,
  systems: readonly MeasuredSystem[],
  settings: MeasureSettings,
): Promise<TargetOutcome[]> {
  let script: string | undefined;
  if (scenario.luaScript !== null) {
    script = join(settings.dir, `${scenario.name}.lua`);
    writeFileSync(script, scenario.luaScript);
  }
  const urlOf = (system: MeasuredSystem): string => system.url ?? `http://127.0.0.1:${system.port}${scenario.path}`;
  const wrkFor = (system: MeasuredSystem, durationSeconds: number, measured = false, connections = settings.connections): Promise<WrkResult> =>
    scenario.load === 'h2load'
      ? runH2load({
          url: urlOf(system),
          durationSeconds,
          connections: H2_CONNECTIONS,
          streams: H2_STREAMS,
          cpus: settings.loadCpus,
          logFile: measured ? join(settings.dir, 'h2load.log') : undefined,
        })
      : runWrk({
          url: urlOf(system),
          durationSeconds,
          connections,
          threads: Math.min(settings.threads, connections),
          script,
          headers: system.headers,
          cpus: settings.loadCpus,
        });
  const progress: Progress[] = systems.map((system) => ({
    system,
    samples: [],
    discarded: [],
    redoLeft: settings.runs,
    peakRss: 0,
    error: null,
  }));

  // Every Node process measured here (Portico, node-bare, Portkey) answers its first second of load
  // after ~30 s idle (while the other systems ran) with a 50-150 ms p99; nginx does not. A short
  // unmeasured run right before each measured one keeps that start-up effect out of the
  // steady-state numbers, for every system alike. Its failures surface in the measured run.
  const rewarm = async (system: MeasuredSystem, connections = settings.connections): Promise<void> => {
    if (settings.rewarmSeconds > 0) await wrkFor(system, settings.rewarmSeconds, false, connections).catch(() => undefined);
  };

  /** One gated, sampled wrk run; null (with entry.error set) when wrk failed. */
  const measureOnce = async (entry: Progress, run: number): Promise<RunSample | null> => {
    if (settings.quietCpu !== null && settings.quietWaitMs > 0) {
      const wait = await waitForQuietCpu(settings.quietCpu, settings.quietMaxShare, settings.quietWaitMs);
      if (!wait.quiet || wait.waitedMs > 1000) {
        const busy = wait.lastShare === null ? '?' : `${Math.round(wait.lastShare * 100)} %`;
        settings.log(`  waited ${(wait.waitedMs / 1000).toFixed(1)} s for CPU ${settings.quietCpu} to go quiet (${wait.quiet ? 'now' : 'still'} ${busy} busy)`);
      }
    }
    await rewarm(entry.system);
    const sampler = startUsageSampler(entry.system.rootPid, entry.system.cpu);
    const result = await wrkFor(entry.system, settings.durationSeconds, true).catch((error: unknown) => {
      entry.error = `run ${run} failed: ${message(error)}`;
      return null;
    });
    const usage = sampler.stop();
    entry.peakRss = Math.max(entry.peakRss, usage.peakRssBytes);
    if (result === null) return null;
    settings.log(
      `  ${entry.system.name} run ${run}/${settings.runs}: ${Math.round(result.requestsPerSecond)} req/s, ` +
        `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
        `${((usage.cpuSeconds * 1e6) / Math.max(1, result.totalRequests)).toFixed(1)} CPU µs/req` +
        (usage.foreignCpuShare === null ? '' : `, others took ${(usage.foreignCpuShare * 100).toFixed(0)} % of its CPU`),
    );
    return { wrk: result, cpuSeconds: usage.cpuSeconds, foreignCpuShare: usage.foreignCpuShare };
  };

  for (const entry of progress) {
    // A wrong answer (404 from a router that did not load, a short body) must not be benchmarked.
    const correct = entry.system.check ? await entry.system.check() : await answersCorrectly(entry.system.port, scenario);
    if (!correct) {
      entry.error = entry.system.check
        ? 'did not answer the probe request correctly'
        : `did not answer ${scenario.probe.path} with 200 and ${scenario.bodyBytes} bytes`;
      settings.log(`  ${entry.system.name}: ${entry.error}`);
      continue;
    }
    settings.log(`  ${entry.system.name}: warm-up ${settings.warmupSeconds} s`);
    await wrkFor(entry.system, settings.warmupSeconds).catch((error: unknown) => {
      entry.error = `warm-up failed: ${message(error)}`;
    });
  }

  for (let run = 1; run <= settings.runs; run++) {
    for (const entry of progress) {
      // A run during which other processes took much of the proxy CPU is redone, a bounded number
      // of times per system: a median over disturbed runs measures the neighbours, not the proxy.
      while (entry.error === null) {
        const sample = await measureOnce(entry, run);
        if (sample === null) break;
        const disturbed = sample.foreignCpuShare !== null && sample.foreignCpuShare > settings.maxForeignShare;
        if (disturbed && entry.redoLeft > 0) {
          entry.redoLeft--;
          entry.discarded.push(sample);
          settings.log(`  ${entry.system.name} run ${run}: disturbed, measuring again (${entry.redoLeft} redo(s) left)`);
          continue;
        }
        entry.samples.push(sample);
        break;
      }
    }
  }

  for (const entry of progress) keepLeastDisturbed(entry, settings.runs);

  const light = new Map<Progress, LightLoadResult>();
  const lightConnections = scenario.lightLoadConnections;
  if (lightConnections !== undefined && scenario.load === 'wrk') {
    for (const entry of progress) {
      if (entry.error !== null) continue;
      await rewarm(entry.system, lightConnections);
      const result = await wrkFor(entry.system, settings.durationSeconds, false, lightConnections).catch(() => null);
      if (result === null) continue;
      settings.log(`  ${entry.system.name} at ${lightConnections} connection(s): ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms`);
      light.set(entry, { connections: lightConnections, requestsPerSecond: result.requestsPerSecond, p50Ms: result.p50Ms, p99Ms: result.p99Ms });
    }
  }

  return progress.map((entry) => ({
    light: light.get(entry) ?? null,
    target: entry.system.name,
    summary:
      entry.error === null && entry.samples.length > 0
        ? { ...summarizeRuns(entry.samples, scenario.bodyBytes, entry.peakRss > 0 ? entry.peakRss : null), discarded: entry.discarded }
        : null,
    error: entry.error,
  }));
}
