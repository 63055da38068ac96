// Cluster change propagation for the Postgres store: every committed write NOTIFYs
// `portico_changes`; each store LISTENs on a dedicated connection (reconnecting with backoff)
// and, as a fallback that needs no open connection, polls the version row every
// db_update_frequency seconds (Kong's cluster_events polling, kong-core §9.1).
import pg from 'pg';
import type { ClientConfig } from 'pg';

export const CHANGES_CHANNEL = 'portico_changes';

export interface ChangeWatcherOptions {
  clientConfig: ClientConfig;
  /** Reads the committed version (one small query). */
  readVersion: () => Promise<number>;
  /** Called with every version read; the store ignores ones it already has. */
  observe: (version: number) => void;
  pollIntervalMs: number;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

export class ChangeWatcher {
  private readonly options: ChangeWatcherOptions;
  private client: pg.Client | null = null;
  private closed = false;
  private backoffMs = MIN_BACKOFF_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly pollTimer: NodeJS.Timeout;
  private refreshing = false;
  private refreshAgain = false;

  constructor(options: ChangeWatcherOptions) {
    this.options = options;
    this.pollTimer = setInterval(() => this.refresh(), options.pollIntervalMs);
    this.pollTimer.unref();
  }

  /** Connects the LISTEN client; resolves once listening (or after the first failure). */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Reads the version now; coalesces bursts of notifications into one query at a time. */
  refresh(): void {
    if (this.closed) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    this.options.readVersion().then(this.options.observe, () => undefined).finally(() => {
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.refresh();
      }
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.options.clientConfig);
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) this.refresh();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.backoffMs = MIN_BACKOFF_MS;
      // Changes committed while we were not listening.
      this.refresh();
    } catch {
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }
}
