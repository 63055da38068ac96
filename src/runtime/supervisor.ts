// The primary's view of its workers: forks them, hands each the current configuration, restarts
// the ones that die, versions every configuration change and waits until every live worker has
// applied it, and drains them on shutdown.
import { fork, type ChildProcess } from 'node:child_process';
import { renameSync } from 'node:fs';
import { getCompileCacheDir } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/logger.ts';
import type { Settings } from '../config/types.ts';
import type { EntitySet } from '../entities/types.ts';
import type { PrimaryToWorker, WorkerToPrimary } from './messages.ts';
import { HealthRouter } from './health-router.ts';
import { pruneVersionFiles, versionFile, writeConfigContent, type ConfigRef } from './config-files.ts';
import { InProcessCounters, InProcessDictionaries } from '../pdk/index.ts';
import { serveSharedCounters } from './shared-counters.ts';
import { MetricsAggregator } from './metrics-primary.ts';
import { mallocEnvironment } from './memory.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** A worker that dies sooner than this after its start counts towards crash-loop back-off. */
const QUICK_DEATH_MS = 5_000;
const MAX_RESTART_DELAY_MS = 10_000;

interface WorkerSlot {
  id: number;
  child: ChildProcess | null;
  ready: boolean;
  appliedVersion: number;
  startedAt: number;
  quickDeaths: number;
}

export interface SupervisorOptions {
  settings: Settings;
  nodeId: string;
  logger: Logger;
  initialConfig: { hash: string; entities: EntitySet };
  /** Called after a configuration arrived from a worker's POST /config and was applied everywhere. */
  onConfigApplied?: (config: ConfigRef) => void;
}

export class Supervisor {
  private readonly options: Omit<SupervisorOptions, 'initialConfig'>;
  private readonly slots: WorkerSlot[] = [];
  private readonly health = new HealthRouter();
  private config: ConfigRef;
  private stopping = false;
  /** The node's shared counters (kong.counters): owned here so every worker counts in one place. */
  private readonly counters = new InProcessCounters();
  /** The node's shared dictionaries (kong.dictionaries, e.g. proxy-cache's memory strategy). */
  private readonly dictionaries = new InProcessDictionaries();
  /** Node-wide /metrics: a scrape asks every live worker for its prometheus counters. */
  private readonly metrics = new MetricsAggregator(() => this.slots.flatMap((slot) => (slot.child && slot.ready ? [{ id: slot.id, child: slot.child }] : [])));
  private readonly versionWaiters: Array<{ version: number; resolve: () => void }> = [];

  constructor(options: SupervisorOptions) {
    // Workers read the configuration from its file: holding the entities here would keep a large
    // config in the primary's memory for the life of the process.
    const { initialConfig, ...kept } = options;
    this.options = kept;
    const file = versionFile(options.settings.prefix, 1);
    writeConfigContent(file, initialConfig);
    this.config = { version: 1, hash: initialConfig.hash, file };
  }

  get currentConfig(): ConfigRef {
    return this.config;
  }

  /** Forks every worker and resolves once all of them listen; rejects with the first fatal error. */
  start(): Promise<void> {
    const count = Math.max(1, this.options.settings.worker_processes);
    const readies: Array<Promise<void>> = [];
    for (let id = 0; id < count; id++) {
      const slot: WorkerSlot = { id, child: null, ready: false, appliedVersion: 0, startedAt: 0, quickDeaths: 0 };
      this.slots.push(slot);
      readies.push(this.spawn(slot));
    }
    return Promise.all(readies).then(() => undefined);
  }

  /** Versions a new configuration, sends it to every worker, resolves when all live workers applied it. */
  applyConfig(hash: string, entities: EntitySet): Promise<ConfigRef> {
    const version = this.config.version + 1;
    const file = versionFile(this.options.settings.prefix, version);
    writeConfigContent(file, { hash, entities });
    return this.publish({ version, hash, file });
  }

  /** Like applyConfig, for a configuration a worker already wrote to `proposal`. */
  applyConfigFile(hash: string, proposal: string): Promise<ConfigRef> {
    const version = this.config.version + 1;
    const file = versionFile(this.options.settings.prefix, version);
    renameSync(proposal, file);
    return this.publish({ version, hash, file });
  }

  private publish(config: ConfigRef): Promise<ConfigRef> {
    this.config = config;
    const message: PrimaryToWorker = { type: 'config', config };
    for (const slot of this.slots) if (slot.child && slot.ready) slot.child.send(message);
    return this.waitForVersion(config.version).then(() => {
      // Keep the previous version: a worker booting right now may still be reading it.
      if (this.config === config) pruneVersionFiles(this.options.settings.prefix, config.version - 1);
      return config;
    });
  }

  /** Asks every worker to drain, then resolves when all have exited (or were killed at the deadline). */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const exits = this.slots.map((slot) => this.stopSlot(slot, timeoutMs));
    await Promise.all(exits);
  }

  workerPids(): number[] {
    return this.slots.flatMap((slot) => (slot.child?.pid ? [slot.child.pid] : []));
  }

  private spawn(slot: WorkerSlot): Promise<void> {
    const { settings, nodeId, logger } = this.options;
    const child = fork(WORKER_ENTRY, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Node's compile cache keeps the stripped TypeScript and V8 code: a worker then never loads the
      // type stripper (about 30 MB of RSS per process) and starts in a fraction of the time.
      env: { ...process.env, ...mallocEnvironment(process.env), PORTICO_WORKER_ID: String(slot.id), NODE_COMPILE_CACHE: compileCacheDir() },
      execArgv: workerExecArgv(),
    });
    slot.child = child;
    slot.ready = false;
    serveSharedCounters(child, this.counters, this.dictionaries);
    this.metrics.attach(child);
    this.health.attach(slot.id, child);
    slot.startedAt = Date.now();
    // The worker starts on the configuration of this moment; a newer one may arrive while it boots.
    const initialConfig = this.config;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      child.on('message', (raw) => {
        const message = raw as WorkerToPrimary;
        switch (message.type) {
          case 'ready':
            slot.ready = true;
            slot.appliedVersion = initialConfig.version;
            // A configuration may have changed while this worker started.
            if (slot.appliedVersion < this.config.version) child.send({ type: 'config', config: this.config } satisfies PrimaryToWorker);
            this.settleWaiters();
            if (!settled) { settled = true; resolve(); }
            break;
          case 'fatal':
            logger.crit('worker failed to start', { worker: slot.id, error: message.message });
            if (!settled) { settled = true; reject(new Error(message.message)); }
            break;
          case 'config:ack':
            slot.appliedVersion = Math.max(slot.appliedVersion, message.version);
            this.settleWaiters();
            break;
          case 'config:apply':
            this.applyConfigFile(message.hash, message.file).then(
              (config) => {
                child.send({ type: 'config:applied', requestId: message.requestId, version: config.version } satisfies PrimaryToWorker);
                this.options.onConfigApplied?.(config);
              },
              (error: unknown) => child.send({ type: 'config:rejected', requestId: message.requestId, message: String(error) } satisfies PrimaryToWorker),
            );
            break;
        }
      });
      child.on('exit', (code, signal) => {
        slot.ready = false;
        slot.child = null;
        this.settleWaiters();
        if (!settled) { settled = true; reject(new Error(`worker ${slot.id} exited during start (code ${code}, signal ${signal})`)); return; }
        if (this.stopping) return;
        logger.error('worker exited unexpectedly; restarting it', { worker: slot.id, code, signal });
        const livedMs = Date.now() - slot.startedAt;
        slot.quickDeaths = livedMs < QUICK_DEATH_MS ? slot.quickDeaths + 1 : 0;
        const delay = Math.min(MAX_RESTART_DELAY_MS, slot.quickDeaths === 0 ? 0 : 100 * 2 ** slot.quickDeaths);
        setTimeout(() => {
          if (this.stopping) return;
          this.spawn(slot).catch((error: unknown) => logger.crit('worker restart failed', { worker: slot.id, error: String(error) }));
        }, delay).unref();
      });
      child.send({ type: 'init', settings, nodeId, workerId: slot.id, config: initialConfig } satisfies PrimaryToWorker);
    });
  }

  private stopSlot(slot: WorkerSlot, timeoutMs: number): Promise<void> {
    const child = slot.child;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 1_000);
      child.once('exit', () => { clearTimeout(killer); resolve(); });
      try {
        child.send({ type: 'shutdown', timeoutMs } satisfies PrimaryToWorker);
      } catch {
        child.kill('SIGTERM');
      }
    });
  }

  private waitForVersion(version: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.versionWaiters.push({ version, resolve });
      this.settleWaiters();
    });
  }

  private settleWaiters(): void {
    const live = this.slots.filter((slot) => slot.child && slot.ready);
    for (let i = this.versionWaiters.length - 1; i >= 0; i--) {
      const waiter = this.versionWaiters[i]!;
      if (live.every((slot) => slot.appliedVersion >= waiter.version)) {
        this.versionWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

function compileCacheDir(): string {
  return process.env.NODE_COMPILE_CACHE ?? getCompileCacheDir() ?? join(tmpdir(), 'portico-compile-cache');
}

/**
 * Flags for worker processes. The young generation size is set deliberately (shared/perf). 16 MB
 * semi-spaces once won on p99 (4.1 ms against 5.7 ms at 4 MB) while the proxy promoted
 * per-request garbage; since it no longer does, interleaved runs on one pinned worker at -c50 give
 * the same throughput (~28k req/s), CPU per request and p99 (quiet runs 2.5–4.5 ms, medians about
 * 4 ms) at 4, 8 and 16 MB, while RSS under load is 118 / 130 / 143 MB with one route and
 * 137 / 147 / 163 MB with 10,000 (issue #2: under 150 MB). Operators choose otherwise with
 * `--max-semi-space-size` in NODE_OPTIONS or on the command line.
 */
function workerExecArgv(): string[] {
  const inherited = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
  const chosen = inherited.some((flag) => flag.startsWith('--max-semi-space-size'))
    || (process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size');
  if (!chosen) inherited.push('--max-semi-space-size=4');
  return inherited;
}
