// The redis policy's synchronous counting (sync_rate = -1) with shared round trips. Kong runs one
// script per request that increments and returns the value before; here the increments that
// reach one counter key while a call for it is being prepared or is in flight are counted by one
// script call that adds N and returns the value before all N. Each waiting request then takes its
// own position (before + i), so every request still gets a distinct usage: N parallel clients —
// on one node or on several sharing the Redis — never get more than the limit through, and every
// checked request counts, as with Kong's per-request script.
import type { Redis } from 'ioredis';
import { redisDeadline, redisFor, type RedisConfig } from '../../pdk/redis.ts';

// KEYS[1] counter; ARGV[1] ttl seconds; ARGV[2] requests counted. Returns the value before them;
// the expiry is set by the call that created the key (INCRBY returned exactly N).
const INCREMENT_SCRIPT = `local n = tonumber(ARGV[2]) local v = redis.call('INCRBY', KEYS[1], n) if v == n then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return v - n`;
const COMMAND = 'porticoRateLimitIncrementBy';

type IncrementBy = (key: string, ttlSeconds: number, count: number) => Promise<unknown>;

/** One request waiting for its position in each of its counters. */
class Waiter {
  readonly usages: number[];
  private pending: number;
  private settled = false;
  readonly promise: Promise<number[]>;
  private resolve!: (usages: number[]) => void;
  private reject!: (error: Error) => void;

  constructor(count: number) {
    this.usages = new Array<number>(count);
    this.pending = count;
    this.promise = new Promise<number[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  answer(index: number, usage: number): void {
    if (this.settled) return;
    this.usages[index] = usage;
    if (--this.pending === 0) {
      this.settled = true;
      this.resolve(this.usages);
    }
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

/** The requests one script call counts for one key, in arrival order. */
class Batch {
  readonly key: string;
  readonly ttlSeconds: number;
  readonly waiters: Waiter[] = [];
  /** For each waiter, which of its counters this key is. */
  readonly indexes: number[] = [];
  timer: NodeJS.Timeout | null = null;
  done = false;

  constructor(key: string, ttlSeconds: number) {
    this.key = key;
    this.ttlSeconds = ttlSeconds;
  }
}

/**
 * Coalesced increments on one Redis connection. A batch opens with its first request and is
 * sent at the end of the event-loop turn, or — when a call for the same key is still in flight —
 * as soon as that call returns; so one key has at most one call in flight and the batches grow
 * with the load instead of the round trips. Each batch has one deadline (the config's timeout,
 * from the batch's first request): when it passes, or Redis fails, every waiter of the batch is
 * rejected at once and the policy's fault_tolerant decides, so no request waits longer.
 * @example
 * const usages = await increments.add(['ratelimit:…:second'], [1], 1);
 */
export class RedisIncrements {
  readonly client: Redis;
  readonly deadlineMs: number;
  private readonly incrementBy: IncrementBy;
  /** Batches collecting requests, by key (at most one per key). */
  private readonly collecting = new Map<string, Batch>();
  /** The batch whose call is in flight, by key. */
  private readonly inFlight = new Map<string, Batch>();
  private flushScheduled = false;
  private waitingForConnection = false;
  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(client: Redis, deadlineMs: number) {
    this.client = client;
    this.deadlineMs = deadlineMs;
    if (typeof (client as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      client.defineCommand(COMMAND, { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    }
    this.incrementBy = ((client as unknown as Record<string, IncrementBy>)[COMMAND]!).bind(client);
  }

  /**
   * Counts one request in each of the first `count` keys; resolves with the value of each key
   * before this request. The arrays are read before this returns, so callers may reuse them.
   */
  add(keys: readonly string[], ttlSeconds: readonly number[], count: number): Promise<number[]> {
    const waiter = new Waiter(count);
    for (let index = 0; index < count; index++) {
      const key = keys[index]!;
      let batch = this.collecting.get(key);
      if (batch === undefined) {
        batch = new Batch(key, ttlSeconds[index]!);
        batch.timer = setTimeout(expire, this.deadlineMs, this, batch);
        this.collecting.set(key, batch);
        if (!this.flushScheduled && !this.inFlight.has(key)) {
          this.flushScheduled = true;
          setImmediate(this.flushNow);
        }
      }
      batch.waiters.push(waiter);
      batch.indexes.push(index);
    }
    return waiter.promise;
  }

  /** Sends every collecting batch whose key has no call in flight. */
  private flush(): void {
    const status = this.client.status;
    if (status !== 'ready') {
      if (status === 'connecting' || status === 'connect' || status === 'wait') this.flushWhenConnected();
      else this.failCollecting(new Error(`redis connection is ${status}`));
      return;
    }
    let ready: Batch[] | null = null;
    let single: Batch | null = null;
    for (const batch of this.collecting.values()) {
      if (this.inFlight.has(batch.key)) continue;
      if (single === null) single = batch;
      else (ready ??= [single]).push(batch);
    }
    if (ready !== null) this.sendAll(ready);
    else if (single !== null) this.send(single);
  }

  private send(batch: Batch): void {
    this.collecting.delete(batch.key);
    this.inFlight.set(batch.key, batch);
    this.incrementBy(batch.key, batch.ttlSeconds, batch.waiters.length).then(
      (before) => this.settle(batch, Number(before), null),
      (error: unknown) => this.settle(batch, 0, asError(error)),
    );
  }

  /** Batches of several keys leave in one pipeline: one write, one round trip. */
  private sendAll(batches: Batch[]): void {
    const pipeline = this.client.pipeline() as unknown as Record<string, (key: string, ttl: number, count: number) => unknown> & { exec(): Promise<Array<[Error | null, unknown]> | null> };
    for (const batch of batches) {
      this.collecting.delete(batch.key);
      this.inFlight.set(batch.key, batch);
      pipeline[COMMAND]!(batch.key, batch.ttlSeconds, batch.waiters.length);
    }
    pipeline.exec().then(
      (replies) => {
        batches.forEach((batch, index) => {
          const [error, before] = replies?.[index] ?? [new Error('redis returned no reply'), null];
          this.settle(batch, Number(before), error);
        });
      },
      (error: unknown) => { for (const batch of batches) this.settle(batch, 0, asError(error)); },
    );
  }

  private settle(batch: Batch, before: number, error: Error | null): void {
    this.inFlight.delete(batch.key);
    if (error === null && !Number.isFinite(before)) error = new Error('redis returned no counter value');
    if (error !== null) failBatch(batch, error);
    else if (!batch.done) {
      batch.done = true;
      if (batch.timer !== null) clearTimeout(batch.timer);
      const { waiters, indexes } = batch;
      for (let position = 0; position < waiters.length; position++) waiters[position]!.answer(indexes[position]!, before + position);
    }
    // Requests for this key that arrived meanwhile have waited long enough: send them now.
    const next = this.collecting.get(batch.key);
    if (next === undefined) return;
    if (this.client.status === 'ready') this.send(next);
    else this.flush();
  }

  /** A connection still being established: send once it is ready; each batch's deadline still runs. */
  private flushWhenConnected(): void {
    if (this.waitingForConnection) return;
    this.waitingForConnection = true;
    const onReady = (): void => { cleanup(); this.flush(); };
    const onClose = (): void => { cleanup(); this.failCollecting(new Error('redis connection closed')); };
    const cleanup = (): void => {
      this.waitingForConnection = false;
      this.client.off('ready', onReady);
      this.client.off('close', onClose);
    };
    this.client.once('ready', onReady);
    this.client.once('close', onClose);
  }

  private failCollecting(error: Error): void {
    for (const batch of this.collecting.values()) {
      if (this.inFlight.has(batch.key)) continue;
      this.collecting.delete(batch.key);
      failBatch(batch, error);
    }
  }

  /** Drops a batch whose deadline passed before it was sent. */
  forget(batch: Batch): void {
    if (this.collecting.get(batch.key) === batch) this.collecting.delete(batch.key);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function failBatch(batch: Batch, error: Error): void {
  if (batch.done) return;
  batch.done = true;
  if (batch.timer !== null) clearTimeout(batch.timer);
  for (const waiter of batch.waiters) waiter.fail(error);
}

function expire(increments: RedisIncrements, batch: Batch): void {
  batch.timer = null;
  increments.forget(batch);
  failBatch(batch, new Error(`redis did not answer within ${increments.deadlineMs} ms`));
}

const incrementsByClient = new WeakMap<Redis, RedisIncrements>();

/**
 * The coalescing increments of the connection for this redis config (created on first use).
 * @example
 * const increments = await redisIncrementsFor(conf.redis);
 */
export async function redisIncrementsFor(conf: RedisConfig): Promise<RedisIncrements> {
  const client = await redisFor(conf, { autoPipelining: false });
  let increments = incrementsByClient.get(client);
  if (increments === undefined) {
    increments = new RedisIncrements(client, redisDeadline(conf));
    incrementsByClient.set(client, increments);
  }
  return increments;
}
