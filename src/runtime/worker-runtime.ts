// One worker's live state: the current store and proxy snapshot, and the servers bound to the
// configured listeners. A configuration swap replaces both references at once; requests in
// flight keep the snapshot they started with.
import type { Server } from 'node:http';
import { createLogger, type Logger } from '../core/logger.ts';
import type { Settings } from '../config/types.ts';
import type { EntitySet } from '../entities/types.ts';
import type { Store } from '../store/types.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import { emptyEntitySet } from '../store/declarative/index.ts';
import { buildSnapshot, createProxyServer, type Snapshot } from '../proxy/index.ts';
import { createAdminServer, createStatusServer } from '../admin/index.ts';
import type { Consumer } from '../entities/types.ts';
import { currentStoreDb, NodeCache, type PdkEnvironment } from '../pdk/index.ts';
import { availablePluginsOf, buildPluginTable, loadNodePlugins, onConfigChange, type PluginRegistry } from '../pipeline/index.ts';
import { bundledPlugins } from '../plugins/index.ts';
import { openStore } from './database.ts';
import { StoreFollower } from './store-follower.ts';
import { WorkerHealth } from './worker-health.ts';
import { ProxyConnections } from './proxy-connections.ts';
import { HEALTH_OWNER } from './health-router.ts';
import type { PrimaryToWorker, WorkerToPrimary } from './messages.ts';
import { proposalFile, readConfigContent, writeConfigContent, type ConfigRef } from './config-files.ts';
import { IpcSharedCounters } from './shared-counters.ts';
import { WorkerMetrics } from './metrics-worker.ts';
import { Listeners } from './listeners.ts';
import { targetHealthRows } from './metrics-targets.ts';

type InitMessage = Extract<PrimaryToWorker, { type: 'init' }>;

export class WorkerRuntime {
  private readonly settings: Settings;
  private readonly logger: Logger;
  private readonly send: (message: WorkerToPrimary) => void;
  private readonly workerId: number;
  private readonly nodeId: string;
  private store: Store;
  private snapshot: Snapshot;
  /** DB-less: the declarative hash; with a database: null (Kong reports `database` instead). */
  private configHash: string | null;
  private follower: StoreFollower | null = null;
  private readonly init: InitMessage;
  /** Node-wide target health: this worker's table, and the monitor when it is the owner. */
  private readonly health: WorkerHealth;
  /** Connection counters of every proxy listener of this worker (summed node-wide for /metrics). */
  private readonly proxyConnections = new ProxyConnections();
  /**
   * DB-less: the configuration this worker booted with (read from the primary's file), until
   * start() built its snapshot; kept longer it would pin a replaced config in memory.
   */
  private initialEntities: EntitySet | null;
  private readonly listeners: Listeners;
  private nextRequestId = 1;
  private readonly pendingApplies = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private shuttingDown: Promise<void> | null = null;
  /** Loaded once per worker at start (Kong loads plugins per worker in init_worker). */
  private registry: PluginRegistry | null = null;
  /** kong.cache: one per worker, invalidated per table on every new config. */
  private readonly cache = new NodeCache();
  /**
   * kong.counters / kong.dictionaries: with several workers, the primary's node-wide ones over IPC
   * (rate limiting is exact per node). A node with a single worker keeps them in-process — just as
   * exact, without an IPC round trip per request (the bench measured that round trip at about
   * half of a rate-limited request's cost); they then restart with the worker.
   */
  private readonly counters: IpcSharedCounters | undefined;
  /** GET /metrics: the prometheus counters of every worker of the node, merged on scrape. */
  private metrics: WorkerMetrics | null = null;
  /** Entities of the served config, for cache invalidation on the next one. */
  private entities: EntitySet | null = null;
  /**
   * Config applies run one at a time, in arrival order (building the plugin table is async);
   * the chain starts once start() served its first config, so a newer one arriving meanwhile wins.
   */
  private applying: Promise<void>;
  private startedServing: () => void = () => undefined;

  constructor(init: InitMessage, send: (message: WorkerToPrimary) => void) {
    this.settings = init.settings;
    this.workerId = init.workerId;
    this.nodeId = init.nodeId;
    this.send = send;
    this.logger = createLogger(init.settings.log_level, { worker: init.workerId });
    this.health = new WorkerHealth(init.workerId === HEALTH_OWNER, () => this.snapshot.upstreams.values(), (envelope) => this.send(envelope));
    this.init = init;
    this.counters = process.send !== undefined && init.settings.worker_processes > 1 ? new IpcSharedCounters() : undefined;
    this.listeners = new Listeners(init.settings, this.logger, init.workerId === 0);
    const initialEntities = init.settings.database === 'off' ? readConfigContent(init.config.file).entities : emptyEntitySet();
    this.initialEntities = initialEntities;
    // Placeholders until start(): DB-less serves the primary's config, a database its own rows.
    // The rows were just read from the primary's file: nobody else holds them, so the store keeps
    // them instead of a copy. The snapshot is an empty placeholder until start() builds the real one.
    this.store = createMemoryStore(initialEntities, { adoptInitial: true });
    this.snapshot = buildSnapshot(emptyEntitySet(), init.settings, 0);
    this.configHash = init.settings.database === 'off' ? init.config.hash : null;
    this.applying = new Promise<void>((resolve) => { this.startedServing = resolve; });
  }

  async start(): Promise<void> {
    const { settings, logger } = this;
    // Answer the primary's scrape requests from the start, not only once this worker served a scrape.
    this.workerMetrics();
    this.registry = await loadNodePlugins(settings.plugins, settings.raw.lua_package_path ?? '', bundledPlugins);
    await this.registry.initWorker(this.pluginEnvironment([]));
    if (settings.database !== 'off') {
      this.store = await openStore(settings);
      this.follower = new StoreFollower(this.store, settings, logger, (snapshot) => this.swapSnapshot(snapshot), (entities, version) => this.buildFullSnapshot(entities, version));
      this.swapSnapshot(await this.follower.start());
    } else {
      this.swapSnapshot(await this.buildFullSnapshot(this.initialEntities ?? emptyEntitySet(), this.init.config.version));
    }
    this.initialEntities = null;
    this.startedServing();
    const proxy = (): Server => this.proxyConnections.track(createProxyServer(settings, () => this.snapshot, logger));
    const admin = (): Server => createAdminServer({
      settings,
      store: () => this.store,
      applyConfig: (result) => this.requestApply(result.hash, result.entities),
      getConfigHash: () => this.configHash,
      nodeId: this.nodeId,
      logger,
      availablePlugins: () => (this.registry === null ? {} : availablePluginsOf(this.registry)),
      pluginEndpoints: () => (this.registry?.plugins ?? []).flatMap((plugin) => plugin.definition.api ?? []),
      metrics: (node) => this.workerMetrics().render(node),
      counters: () => this.workerMetrics().nodeConnections(),
      upstreamHealth: this.health.admin,
    });
    const status = (): Server => createStatusServer({
      settings,
      store: () => this.store,
      getConfigHash: () => this.configHash,
      nodeId: this.nodeId,
      logger,
      metrics: (node) => this.workerMetrics().render(node),
      counters: () => this.workerMetrics().nodeConnections(),
    });
    // Proxy TLS listeners pick certificates from the snapshot being served (hot reload).
    await this.listeners.bind({ kind: 'proxy', name: 'proxy', addresses: settings.proxy_listen, makeServer: proxy, certificates: () => this.snapshot.certificates });
    await this.listeners.bind({ kind: 'admin', name: 'admin', addresses: settings.admin_listen, makeServer: admin });
    await this.listeners.bind({ kind: 'status', name: 'status', addresses: settings.status_listen, makeServer: status });
  }

  private workerMetrics(): WorkerMetrics {
    this.metrics ??= new WorkerMetrics(
      this.nodeId, this.workerId, process.send !== undefined ? process : null,
      () => targetHealthRows(this.snapshot.upstreams.values()), () => this.proxyConnections.snapshot(),
    );
    return this.metrics;
  }

  handle(message: PrimaryToWorker): void {
    switch (message.type) {
      case 'config':
        this.applyLocally(message.config);
        break;
      case 'config:applied':
        this.pendingApplies.get(message.requestId)?.resolve();
        this.pendingApplies.delete(message.requestId);
        break;
      case 'config:rejected':
        this.pendingApplies.get(message.requestId)?.reject(new Error(message.message));
        this.pendingApplies.delete(message.requestId);
        break;
      case 'health':
        this.health.receive(message);
        break;
      case 'shutdown':
        void this.shutdown(message.timeoutMs).then(() => process.exit(0));
        break;
      case 'init':
        break;
    }
  }

  /** Stop accepting, let requests in flight finish (closing idle keep-alive sockets), then resolve. */
  shutdown(timeoutMs: number): Promise<void> {
    if (this.shuttingDown) return this.shuttingDown;
    this.shuttingDown = this.listeners.drain(timeoutMs).then(async () => {
      this.follower?.stop();
      this.health.close();
      await this.store.close().catch(() => undefined);
    });
    return this.shuttingDown;
  }

  private applyLocally(config: ConfigRef): void {
    this.applying = this.applying.then(() => this.applyInOrder(config));
  }

  private async applyInOrder(config: ConfigRef): Promise<void> {
    try {
      const { entities } = readConfigContent(config.file);
      const snapshot = await this.buildFullSnapshot(entities, config.version);
      this.store = createMemoryStore(entities, { adoptInitial: true });
      this.swapSnapshot(snapshot);
      this.configHash = config.hash;
      this.send({ type: 'config:ack', workerId: this.workerId, version: config.version });
    } catch (error) {
      // The primary validated this configuration; failing here is a bug, and the old snapshot stays.
      this.logger.error('could not apply configuration; keeping the previous one', { version: config.version, error });
    }
  }

  /**
   * The snapshot with its plugin table (prepare/configure run here, once per config version).
   * Before start() loaded the registry, a snapshot has no plugins.
   */
  private async buildFullSnapshot(entities: EntitySet, version: number): Promise<Snapshot> {
    const plugins = this.registry === null
      ? undefined
      : await buildPluginTable(entities.plugins, this.registry, { version, environment: this.pluginEnvironment(entities.upstreams.map((upstream) => upstream.name)) });
    const snapshot = buildSnapshot(entities, this.settings, version, { ...this.health.snapshotOptions(), ...(plugins === undefined ? {} : { plugins }) });
    // kong.cache entries read from tables this config changed are stale from now on.
    onConfigChange(this.cache, this.entities as Record<string, readonly unknown[]> | null, entities as unknown as Record<string, readonly unknown[]>);
    this.entities = entities;
    return snapshot;
  }

  /** What the PDK needs from this worker for one config version. */
  private pluginEnvironment(upstreamNames: readonly string[]): PdkEnvironment {
    const names = new Set(upstreamNames);
    return {
      logger: this.logger,
      cache: this.cache,
      nodeId: this.nodeId,
      loadConsumer: (key, byUsername) => this.loadConsumer(key, byUsername),
      upstreamExists: (name) => names.has(name),
      counters: this.counters,
      dictionaries: this.counters?.dictionaries,
      // kong.db for credential plugins: the current store (DB-less swaps it with every config).
      db: currentStoreDb(() => this.store),
    };
  }

  /** kong.client.load_consumer: by id, then (if asked) by username. */
  private async loadConsumer(key: string, byUsername: boolean): Promise<Consumer | null> {
    const store = this.store;
    const byId = await store.select('consumers', key).catch(() => null);
    if (byId !== null) return byId as unknown as Consumer;
    if (!byUsername) return null;
    return (await store.selectByUnique('consumers', 'username', key).catch(() => null)) as unknown as Consumer | null;
  }

  private swapSnapshot(snapshot: Snapshot): void {
    const previous = this.snapshot;
    this.snapshot = snapshot;
    // Requests in flight may still pick peers from the old balancers; close() only stops their
    // background DNS refreshes.
    if (previous !== snapshot) previous.close();
    this.health.snapshotChanged();
  }

  private requestApply(hash: string, entities: EntitySet): Promise<void> {
    const requestId = this.nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      this.pendingApplies.set(requestId, { resolve, reject });
      const file = proposalFile(this.settings.prefix, this.workerId, requestId);
      writeConfigContent(file, { hash, entities });
      this.send({ type: 'config:apply', workerId: this.workerId, requestId, hash, file });
    });
  }
}
