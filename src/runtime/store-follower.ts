// Keeps a worker's proxy snapshot in step with a persistent store (SQLite/Postgres): every change
// the store reports (its own writes, other workers', other nodes') triggers one rebuild; changes
// arriving during a rebuild coalesce into one more. A failed rebuild (database down) keeps the
// last good snapshot serving, as Kong keeps its cached configuration.
import type { Logger } from '../core/logger.ts';
import type { Settings } from '../config/types.ts';
import type { Store } from '../store/types.ts';
import type { EntitySet } from '../entities/types.ts';
import { buildSnapshot, type Snapshot } from '../proxy/index.ts';
import { loadEntitySet } from './database.ts';

/** Retry a failed rebuild after this long even if no further change is reported. */
const RETRY_MS = 1_000;

export class StoreFollower {
  private readonly store: Store;
  private readonly settings: Settings;
  private readonly logger: Logger;
  private readonly onSnapshot: (snapshot: Snapshot) => void;
  private readonly build: (entities: EntitySet, version: number) => Promise<Snapshot>;
  private running = false;
  private dirty = false;
  private builtVersion = -1;
  private unsubscribe: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  /** `build` makes the snapshot of one version (the worker adds its plugin table); default: no plugins. */
  constructor(
    store: Store, settings: Settings, logger: Logger, onSnapshot: (snapshot: Snapshot) => void,
    build?: (entities: EntitySet, version: number) => Promise<Snapshot>,
  ) {
    this.store = store;
    this.settings = settings;
    this.logger = logger;
    this.onSnapshot = onSnapshot;
    this.build = build ?? (async (entities, version) => buildSnapshot(entities, this.settings, version));
  }

  /** Builds the first snapshot (errors propagate: a node cannot start without its configuration). */
  async start(): Promise<Snapshot> {
    const version = this.store.version();
    const snapshot = await this.build(await loadEntitySet(this.store), version);
    this.builtVersion = version;
    this.unsubscribe = this.store.onChange?.(() => this.changed()) ?? null;
    return snapshot;
  }

  /** Also called by the admin after its own write, so the writing worker never waits for a poll. */
  changed(): void {
    if (this.running) { this.dirty = true; return; }
    this.running = true;
    void this.rebuild().finally(() => {
      this.running = false;
      if (this.dirty) { this.dirty = false; this.changed(); }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async rebuild(): Promise<void> {
    const version = this.store.version();
    if (version === this.builtVersion) return;
    try {
      const entities = await loadEntitySet(this.store);
      this.onSnapshot(await this.build(entities, version));
      this.builtVersion = version;
    } catch (error) {
      this.logger.error('could not rebuild the configuration from the database; serving the last good one', { error: String(error) });
      if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => { this.retryTimer = null; this.changed(); }, RETRY_MS);
        this.retryTimer.unref();
      }
    }
  }
}
