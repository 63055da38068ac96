// One worker's live state: the current store and proxy snapshot, and the servers bound to the
// configured listeners. A configuration swap replaces both references at once; requests in
// flight keep the snapshot they started with.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../core/logger.ts';
import type { ListenAddress, Settings } from '../config/types.ts';
import type { EntitySet } from '../entities/types.ts';
import type { Store } from '../store/types.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import { buildSnapshot, createProxyServer, type Snapshot } from '../proxy/index.ts';
import { createAdminServer, createStatusServer } from '../admin/index.ts';
import { openStore } from './database.ts';
import { StoreFollower } from './store-follower.ts';
import type { ConfigPayload, PrimaryToWorker, WorkerToPrimary } from './messages.ts';

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
  private readonly servers: Server[] = [];
  private nextRequestId = 1;
  private readonly pendingApplies = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private shuttingDown: Promise<void> | null = null;

  constructor(init: InitMessage, send: (message: WorkerToPrimary) => void) {
    this.settings = init.settings;
    this.workerId = init.workerId;
    this.nodeId = init.nodeId;
    this.send = send;
    this.logger = createLogger(init.settings.log_level, { worker: init.workerId });
    this.init = init;
    // Placeholders until start(): DB-less serves the primary's config, a database its own rows.
    this.store = createMemoryStore(init.config.entities);
    this.snapshot = buildSnapshot(init.config.entities, init.settings, init.config.version);
    this.configHash = init.settings.database === 'off' ? init.config.hash : null;
  }

  async start(): Promise<void> {
    const { settings, logger } = this;
    if (settings.database !== 'off') {
      this.store = await openStore(settings);
      this.follower = new StoreFollower(this.store, settings, logger, (snapshot) => this.swapSnapshot(snapshot));
      this.swapSnapshot(await this.follower.start());
    }
    const proxy = (): Server => createProxyServer(settings, () => this.snapshot, logger);
    const admin = (): Server => createAdminServer({
      settings,
      store: () => this.store,
      applyConfig: (result) => this.requestApply(result.hash, result.entities),
      getConfigHash: () => this.configHash,
      nodeId: this.nodeId,
      logger,
    });
    const status = (): Server => createStatusServer({
      settings,
      store: () => this.store,
      getConfigHash: () => this.configHash,
      nodeId: this.nodeId,
      logger,
    });
    await this.listenAll(proxy, settings.proxy_listen, 'proxy');
    await this.listenAll(admin, settings.admin_listen, 'admin');
    await this.listenAll(status, settings.status_listen, 'status');
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
    this.shuttingDown = this.drain(timeoutMs).then(async () => {
      this.follower?.stop();
      await this.store.close().catch(() => undefined);
    });
    return this.shuttingDown;
  }

  private drain(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let open = this.servers.length;
      if (open === 0) { resolve(); return; }
      const deadline = setTimeout(() => {
        for (const server of this.servers) server.closeAllConnections();
      }, timeoutMs);
      const sweeper = setInterval(() => {
        for (const server of this.servers) server.closeIdleConnections();
      }, 100);
      for (const server of this.servers) {
        server.close(() => {
          open -= 1;
          if (open === 0) { clearTimeout(deadline); clearInterval(sweeper); resolve(); }
        });
        server.closeIdleConnections();
      }
    });
  }

  private applyLocally(config: ConfigPayload): void {
    try {
      const snapshot = buildSnapshot(config.entities, this.settings, config.version);
      this.store = createMemoryStore(config.entities);
      this.swapSnapshot(snapshot);
      this.configHash = config.hash;
      this.send({ type: 'config:ack', workerId: this.workerId, version: config.version });
    } catch (error) {
      // The primary validated this configuration; failing here is a bug, and the old snapshot stays.
      this.logger.error('could not apply configuration; keeping the previous one', { version: config.version, error });
    }
  }

  private swapSnapshot(snapshot: Snapshot): void {
    const previous = this.snapshot;
    this.snapshot = snapshot;
    // Requests in flight may still pick peers from the old balancers; close() only stops their
    // background DNS refreshes.
    if (previous !== snapshot) previous.close();
  }

  private requestApply(hash: string, entities: EntitySet): Promise<void> {
    const requestId = this.nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      this.pendingApplies.set(requestId, { resolve, reject });
      this.send({ type: 'config:apply', workerId: this.workerId, requestId, hash, entities });
    });
  }

  /** One server per address: a node:http server listens on one socket. */
  private async listenAll(makeServer: () => Server, addresses: ListenAddress[], name: string): Promise<void> {
    for (const address of addresses) {
      if (address.ssl) {
        // TLS listeners arrive with the TLS issue; say so instead of silently serving plain HTTP there.
        if (this.workerId === 0) this.logger.warn(`${name} listener ${address.host}:${address.port} has 'ssl': TLS listeners are not supported yet; skipped`);
        continue;
      }
      const server = makeServer();
      await listenOne(server, address, name);
      this.servers.push(server);
      const bound = server.address() as AddressInfo | null;
      if (this.workerId === 0) this.logger.notice(`${name} listening on ${address.host}:${bound?.port ?? address.port}`);
    }
  }
}

function listenOne(server: Server, address: ListenAddress, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new Error(`could not listen on ${address.host}:${address.port} for ${name}: ${error.code ?? error.message}`));
    };
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port, reusePort: true, backlog: address.backlog ?? 511, ipv6Only: address.ipv6only ?? false }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

