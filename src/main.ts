// Composition root of the primary process: settings → configuration → workers → signals.
// The primary holds the node's one current configuration; workers serve it (src/runtime/).
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from './core/logger.ts';
import { KongError } from './core/errors.ts';
import type { Settings } from './config/types.ts';
import { writeResolvedEnv } from './config/index.ts';
import type { EntitySet } from './entities/types.ts';
import { emptyEntitySet, formatDeclarativeErrors, loadDeclarative } from './store/declarative/index.ts';
import { Supervisor } from './runtime/supervisor.ts';
import { openStore } from './runtime/database.ts';
import { readConfigContent } from './runtime/config-files.ts';
import { releaseUnusedMemory } from './runtime/memory.ts';
import { loadNodePlugins } from './pipeline/index.ts';
import { bundledPlugins } from './plugins/index.ts';

/** Kong's `kong quit` default: wait this long for requests in flight before forcing the exit. */
const DRAIN_TIMEOUT_MS = 10_000;
const PERSISTED_DBLESS = 'dbless.bin';

/** A start failure whose message is meant for the operator as is (no stack trace). */
export class StartError extends Error {}

export interface StartOptions {
  confPath?: string;
}

export function pidFilePath(prefix: string): string {
  return join(prefix, 'portico.pid');
}

/**
 * Runs the gateway in the foreground until SIGTERM/SIGINT/SIGQUIT; SIGHUP reloads the declarative
 * configuration. Resolves once every worker has drained and exited.
 */
export async function startGateway(settings: Settings, options: StartOptions = {}): Promise<void> {
  const logger = createLogger(settings.log_level, { process: 'primary' });
  preparePrefix(settings);
  await loadPrimaryPlugins(settings);
  const nodeId = settings.node_id ?? randomUUID();
  const supervisor = await createSupervisor(settings, nodeId, logger);
  // The parsed kong.yml is garbage now (workers read the version file); without this a
  // 10,000-route file left the primary at ~320 MB RSS for its whole life.
  releaseUnusedMemory();
  const pidFile = pidFilePath(settings.prefix);
  writeFileSync(pidFile, `${process.pid}\n`);
  try {
    await supervisor.start();
  } catch (error) {
    await supervisor.stop(1_000);
    rmSync(pidFile, { force: true });
    throw new StartError(error instanceof Error ? error.message : String(error));
  }
  logger.notice('Portico started', { prefix: settings.prefix, workers: supervisor.workerPids().length, conf: options.confPath ?? null, node_id: nodeId });

  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.notice(`received ${signal}; draining workers`);
      void supervisor.stop(DRAIN_TIMEOUT_MS).then(() => {
        rmSync(pidFile, { force: true });
        logger.notice('Portico stopped');
        resolve();
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGQUIT', () => stop('SIGQUIT'));
    process.on('SIGHUP', () => {
      // After the reload's frames are gone, so the parsed file is garbage too.
      if (!stopping) void reload(settings, supervisor, logger).then(releaseUnusedMemory);
    });
  });
}

/** The initial configuration lives only in this frame: once it returns, nothing holds it. */
async function createSupervisor(settings: Settings, nodeId: string, logger: Logger): Promise<Supervisor> {
  const initial = settings.database === 'off'
    ? loadInitialConfig(settings, logger)
    : await checkDatabase(settings);
  return new Supervisor({
    settings,
    nodeId,
    logger,
    initialConfig: initial,
    onConfigApplied: (config) => persistDbless(settings.prefix, config.file, logger),
  });
}

/**
 * With a database, workers read their configuration from it. Opening it once here bootstraps a
 * fresh embedded SQLite file before several workers race to, and turns an unreachable or
 * un-bootstrapped Postgres into one clear start error (Kong refuses to start likewise).
 */
async function checkDatabase(settings: Settings): Promise<{ hash: string; entities: EntitySet }> {
  try {
    const store = await openStore(settings);
    await store.close();
  } catch (error) {
    throw new StartError(error instanceof Error ? error.message : String(error));
  }
  return { hash: '0'.repeat(32), entities: emptyEntitySet() };
}

/** SIGHUP: re-read the declarative file; an invalid file leaves the running configuration in place. */
async function reload(settings: Settings, supervisor: Supervisor, logger: Logger): Promise<void> {
  const source = settings.database === 'off' ? declarativeSource(settings) : null;
  if (!source) {
    logger.notice('reload: no declarative_config to re-read; configuration unchanged');
    return;
  }
  try {
    const { entities, hash } = loadDeclarative(source.text());
    if (hash === supervisor.currentConfig.hash) {
      logger.notice('reload: configuration unchanged');
      return;
    }
    const applied = await supervisor.applyConfig(hash, entities);
    logger.notice('reload: configuration applied', { version: applied.version, hash });
  } catch (error) {
    const report = error instanceof KongError ? formatDeclarativeErrors(error) : String(error);
    logger.error(`reload: invalid declarative configuration in ${source.name}; keeping the running configuration\n${report}`);
  }
}

/**
 * The primary validates kong.yml (at start and on SIGHUP) against the plugin schemas the workers
 * will run, so it loads the same plugins first; a plugin that cannot be loaded stops the start.
 */
async function loadPrimaryPlugins(settings: Settings): Promise<void> {
  try {
    await loadNodePlugins(settings.plugins, settings.raw.lua_package_path ?? '', bundledPlugins);
  } catch (error) {
    throw new StartError(error instanceof Error ? error.message : String(error));
  }
}

function declarativeSource(settings: Settings): { name: string; text: () => string } | null {
  if (settings.declarative_config) {
    const path = settings.declarative_config;
    return { name: path, text: () => readFileSync(path, 'utf8') };
  }
  if (settings.declarative_config_string) {
    const value = settings.declarative_config_string;
    return { name: 'declarative_config_string', text: () => value };
  }
  return null;
}

function loadInitialConfig(settings: Settings, logger: Logger): { hash: string; entities: EntitySet } {
  const source = declarativeSource(settings);
  if (source) {
    let text: string;
    try {
      text = source.text();
    } catch (error) {
      throw new StartError(`could not read declarative_config ${source.name}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      const { entities, hash } = loadDeclarative(text);
      return { entities, hash };
    } catch (error) {
      if (error instanceof KongError) throw new StartError(`invalid declarative configuration in ${source.name}:\n${formatDeclarativeErrors(error)}`);
      throw error;
    }
  }
  // Like Kong reusing its LMDB copy: the last configuration POSTed to /config survives a restart.
  const persisted = join(settings.prefix, PERSISTED_DBLESS);
  if (existsSync(persisted)) {
    try {
      const saved = readConfigContent(persisted);
      logger.notice('loaded the last applied configuration from the prefix', { hash: saved.hash });
      return saved;
    } catch (error) {
      logger.warn('ignoring an unreadable persisted configuration', { file: persisted, error: String(error) });
    }
  }
  return { hash: '0'.repeat(32), entities: emptyEntitySet() };
}

/** Keeps a copy of the applied version file (written atomically, so a crash leaves the old copy). */
function persistDbless(prefix: string, versionFile: string, logger: Logger): void {
  const target = join(prefix, PERSISTED_DBLESS);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    copyFileSync(versionFile, temporary);
    renameSync(temporary, target);
  } catch (error) {
    logger.error('could not persist the applied configuration', { file: target, error: String(error) });
  }
}

function preparePrefix(settings: Settings): void {
  try {
    mkdirSync(settings.prefix, { recursive: true });
  } catch (error) {
    throw new StartError(`could not create prefix ${settings.prefix}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const pidFile = pidFilePath(settings.prefix);
  if (existsSync(pidFile)) {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new StartError(`Portico is already running in ${settings.prefix} (pid ${pid})`);
    }
  }
  writeResolvedEnv(settings);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
