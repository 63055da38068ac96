// Node-wide counters (Kong's `lua_shared_dict kong_rate_limiting_counters`): one set of counters
// per node, shared by all of its workers, so a `local` rate limit is exact per node instead of
// per worker. Plugins see them as `kong.counters`; the runtime supplies an implementation that
// asks the primary (src/runtime/shared-counters.ts), single-process runs use InProcessCounters.

/**
 * One counter a request wants to take a unit from.
 * @example
 * const slot: CounterSlot = { key: 'ratelimit:…:minute', limit: 10, ttlSeconds: 60 };
 */
export interface CounterSlot {
  key: string;
  limit: number;
  /** Lifetime of the counter from its first increment (the window length). */
  ttlSeconds: number;
}

/**
 * Outcome of an atomic check-and-take over several counters.
 * @example
 * const { admitted, usages } = await kong.counters.acquire(slots);
 */
export interface AcquireResult {
  /** Every counter was below its limit, so each was incremented by one. */
  admitted: boolean;
  /** Each counter's value before this request (unchanged when not admitted). */
  usages: number[];
}

/**
 * Atomic node-wide counters with expiry. Every method is one atomic step on the owner.
 * @example
 * const value = await kong.counters.increment('response-ratelimit:…', 3, 60);
 */
export interface SharedCounters {
  /** Adds `delta` (creating the counter with `ttlSeconds` if absent or expired) and returns the new value. */
  increment(key: string, delta: number, ttlSeconds: number): Promise<number>;
  /** Current values (0 when absent or expired). */
  get(keys: readonly string[]): Promise<number[]>;
  /**
   * If every slot is below its limit, increments all of them; otherwise changes nothing. Kong's
   * local policy checks, then increments in a timer, which lets concurrent requests slip past
   * the limit; doing both in one step keeps the limit exact and still leaves rejected requests
   * uncounted, as Kong's local policy does.
   */
  acquire(slots: readonly CounterSlot[]): Promise<AcquireResult>;
}

interface Entry { value: number; expiresAt: number }

const SWEEP_EVERY = 1024;

/**
 * Counters in this process's memory: the owner of the node's counters (the primary) and the
 * implementation for single-process runs and tests. The synchronous methods are the atomic steps.
 * @example
 * const counters = new InProcessCounters();
 * counters.incrementNow('k', 1, 60); // 1
 */
export class InProcessCounters implements SharedCounters {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private operations = 0;
  /** takeNow's entries between its check and its take (cleared before it returns). */
  private readonly found: Array<Entry | undefined> = [];

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  get size(): number {
    return this.entries.size;
  }

  incrementNow(key: string, delta: number, ttlSeconds: number): number {
    const now = this.now();
    this.maybeSweep(now);
    const entry = this.live(key, now);
    if (entry !== undefined) {
      entry.value += delta;
      return entry.value;
    }
    this.entries.set(key, { value: delta, expiresAt: now + ttlSeconds * 1000 });
    return delta;
  }

  getNow(keys: readonly string[]): number[] {
    const now = this.now();
    return keys.map((key) => this.live(key, now)?.value ?? 0);
  }

  acquireNow(slots: readonly CounterSlot[]): AcquireResult {
    const count = slots.length;
    const keys: string[] = new Array(count);
    const limits: number[] = new Array(count);
    const ttls: number[] = new Array(count);
    for (let index = 0; index < count; index++) {
      const slot = slots[index]!;
      keys[index] = slot.key;
      limits[index] = slot.limit;
      ttls[index] = slot.ttlSeconds;
    }
    const usages: number[] = new Array(count);
    const admitted = this.takeNow(keys, limits, ttls, count, usages);
    return { admitted, usages };
  }

  /**
   * acquireNow over parallel arrays, for a caller on the request path of this very process: it
   * reuses its own arrays (the first `count` entries are used; `usages` receives the values
   * before this request), so a check-and-take allocates nothing but a new window's entry.
   */
  takeNow(keys: readonly string[], limits: readonly number[], ttlSeconds: readonly number[], count: number, usages: number[]): boolean {
    const now = this.now();
    this.maybeSweep(now);
    const found = this.found;
    let admitted = true;
    for (let index = 0; index < count; index++) {
      const entry = this.live(keys[index]!, now);
      found[index] = entry;
      const value = entry === undefined ? 0 : entry.value;
      usages[index] = value;
      if (value >= limits[index]!) admitted = false;
    }
    for (let index = 0; index < count; index++) {
      const entry = found[index];
      found[index] = undefined;
      if (!admitted) continue;
      if (entry !== undefined) entry.value += 1;
      else this.entries.set(keys[index]!, { value: 1, expiresAt: now + ttlSeconds[index]! * 1000 });
    }
    return admitted;
  }

  increment(key: string, delta: number, ttlSeconds: number): Promise<number> {
    return Promise.resolve(this.incrementNow(key, delta, ttlSeconds));
  }

  get(keys: readonly string[]): Promise<number[]> {
    return Promise.resolve(this.getNow(keys));
  }

  acquire(slots: readonly CounterSlot[]): Promise<AcquireResult> {
    return Promise.resolve(this.acquireNow(slots));
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** Expired windows are dropped in passing, so memory follows the live windows only. */
  private maybeSweep(now: number): void {
    if (++this.operations % SWEEP_EVERY !== 0) return;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** The counters of a process that has no primary to ask: the process is the whole node. */
export const PROCESS_COUNTERS: SharedCounters = new InProcessCounters();
