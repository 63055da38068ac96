// The redis policy with sync_rate > 0 (kong/plugins/rate-limiting/policies/init.lua): requests
// are counted in this process between syncs, and every sync_rate seconds the local deltas go to
// Redis in one round trip (INCRBY, and EXPIREAT at the window's end on the call that creates the
// key). A counter this process has not seen yet is read from Redis first. As in Kong, only
// admitted requests count in this mode, and other nodes' requests are seen at the next sync.
// Unlike Kong, the totals the sync returns refresh the local usage (no extra read), and deltas
// that fail to sync are kept for the next attempt instead of being lost.
import type { Redis } from 'ioredis';
import { redisDeadline, redisFor, redisReady, type RedisConfig } from '../../pdk/redis.ts';

// KEYS[1] counter; ARGV[1] delta; ARGV[2] window end (unix seconds). Returns the total after.
const SYNC_SCRIPT = `local n = tonumber(ARGV[1]) local v = redis.call('INCRBY', KEYS[1], n) if v == n then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end return v`;
const COMMAND = 'porticoRateLimitSync';
/** Kong's smallest sync interval. */
const MIN_INTERVAL_MS = 20;

type SyncCommand = (key: string, delta: number, expireAt: number) => Promise<unknown>;

interface Entry {
  /** Usage as this process knows it: the last total seen in Redis plus local requests since. */
  usage: number;
  /** Local requests not yet in Redis. */
  delta: number;
  /** Window end, ms since the epoch. */
  end: number;
  /** The first read from Redis, while it is in flight. */
  loading: Promise<void> | null;
}

/**
 * One process's view of the redis counters of one connection and sync interval.
 * @example
 * const counters = await syncedCountersFor(conf.redis, conf.sync_rate, (e) => kong.log.err(e));
 * if (counters.take(keys, limits, count, usages) === null) await counters.load(keys, ends, count);
 */
export class SyncedRedisCounters {
  readonly client: Redis;
  private readonly deadlineMs: number;
  private readonly entries = new Map<string, Entry>();
  private readonly sync: SyncCommand;
  private readonly timer: NodeJS.Timeout;
  private syncing = false;
  private onError: (error: Error) => void;

  constructor(client: Redis, deadlineMs: number, intervalMs: number, onError: (error: Error) => void) {
    this.client = client;
    this.deadlineMs = deadlineMs;
    this.onError = onError;
    if (typeof (client as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      client.defineCommand(COMMAND, { numberOfKeys: 1, lua: SYNC_SCRIPT });
    }
    this.sync = ((client as unknown as Record<string, SyncCommand>)[COMMAND]!).bind(client);
    this.timer = setInterval(() => void this.flush(), Math.max(MIN_INTERVAL_MS, intervalMs));
    this.timer.unref();
  }

  /** Where sync failures are reported (the latest plugin instance's logger). */
  reportTo(onError: (error: Error) => void): void {
    this.onError = onError;
  }

  /**
   * The atomic local step: when every key is known, fills `usages` (values before this request)
   * and — if all are below their limits — counts the request; returns whether it was admitted.
   * Returns null, changing nothing, when a key still has to be read from Redis (`load`).
   */
  take(keys: readonly string[], limits: readonly number[], count: number, usages: number[]): boolean | null {
    let admitted = true;
    for (let index = 0; index < count; index++) {
      const entry = this.entries.get(keys[index]!);
      if (entry === undefined || entry.loading !== null) return null;
      usages[index] = entry.usage;
      if (entry.usage >= limits[index]!) admitted = false;
    }
    if (!admitted) return false;
    for (let index = 0; index < count; index++) {
      const entry = this.entries.get(keys[index]!)!;
      entry.usage += 1;
      entry.delta += 1;
    }
    return true;
  }

  /** Reads the keys this process does not know yet (one read per key however many requests wait). */
  async load(keys: readonly string[], ends: readonly number[], count: number): Promise<void> {
    const loads: Array<Promise<void>> = [];
    for (let index = 0; index < count; index++) {
      const key = keys[index]!;
      let entry = this.entries.get(key);
      if (entry === undefined) {
        entry = { usage: 0, delta: 0, end: ends[index]!, loading: null };
        entry.loading = this.read(key, entry);
        this.entries.set(key, entry);
      }
      if (entry.loading !== null) loads.push(entry.loading);
    }
    await Promise.all(loads);
  }

  private async read(key: string, entry: Entry): Promise<void> {
    try {
      await redisReady(this.client, this.deadlineMs);
      const value = await this.client.get(key);
      entry.usage = Number(value ?? 0);
      entry.loading = null;
    } catch (error) {
      // Not known after all: the next request tries again.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  /**
   * One sync: every local delta is added in Redis and the returned totals become the local
   * usage; counters without local requests since the last sync are dropped, so their next use
   * reads the cluster-wide value again (Kong clears its local counts after each sync).
   */
  async flush(): Promise<void> {
    if (this.client.status === 'end') {
      clearInterval(this.timer);
      return;
    }
    if (this.syncing || this.entries.size === 0) return;
    this.syncing = true;
    const now = Date.now();
    const sent: Array<[string, Entry, number]> = [];
    for (const [key, entry] of this.entries) {
      if (entry.loading !== null) continue;
      if (entry.end <= now || entry.delta === 0) {
        this.entries.delete(key);
        continue;
      }
      sent.push([key, entry, entry.delta]);
      entry.delta = 0;
    }
    try {
      if (sent.length === 0) return;
      await redisReady(this.client, this.deadlineMs);
      const totals = await Promise.all(sent.map(([key, entry, delta]) => this.sync(key, delta, Math.ceil(entry.end / 1000))));
      sent.forEach(([, entry], index) => { entry.usage = Number(totals[index]) + entry.delta; });
    } catch (error) {
      for (const [, entry, delta] of sent) entry.delta += delta;
      this.onError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.syncing = false;
    }
  }

  /** Counters this process currently holds (tests). */
  get size(): number {
    return this.entries.size;
  }
}

const countersByClient = new WeakMap<Redis, Map<number, SyncedRedisCounters>>();

/**
 * The process's synced counters for this redis config and sync interval (created on first use).
 * @example
 * const counters = await syncedCountersFor(conf.redis, 0.5, (error) => log.err(error.message));
 */
export async function syncedCountersFor(conf: RedisConfig, syncRateSeconds: number, onError: (error: Error) => void): Promise<SyncedRedisCounters> {
  const client = await redisFor(conf);
  let byInterval = countersByClient.get(client);
  if (byInterval === undefined) {
    byInterval = new Map();
    countersByClient.set(client, byInterval);
  }
  const intervalMs = Math.round(syncRateSeconds * 1000);
  let counters = byInterval.get(intervalMs);
  if (counters === undefined) {
    counters = new SyncedRedisCounters(client, redisDeadline(conf), intervalMs, onError);
    byInterval.set(intervalMs, counters);
  } else {
    counters.reportTo(onError);
  }
  return counters;
}
