// A bounded queue for log-phase work (http-log, datadog, …), after kong/tools/queue.lua: entries
// are batched (max_batch_size, waiting at most max_coalescing_delay for a batch to fill), sent by
// one consumer, retried with exponential backoff (initial_retry_delay doubling up to
// max_retry_delay) for at most max_retry_time, then dropped. When max_entries is reached the
// oldest entry is dropped. enqueue never blocks and never throws: the request is already done.
import type { Logger } from '../core/logger.ts';

/**
 * Kong's `queue` record field names (queue_schema.lua), seconds as in Kong.
 * @example
 * new LogQueue({ name: 'http-log', handler, ...conf.queue });
 */
export interface QueueParameters {
  max_batch_size?: number;
  max_coalescing_delay?: number;
  max_entries?: number;
  initial_retry_delay?: number;
  max_retry_time?: number;
  max_retry_delay?: number;
}

/**
 * Queue parameters plus the batch sender.
 * @example
 * new LogQueue<string>({ name: 'file-log', max_batch_size: 50, handler: (lines) => append(lines) });
 */
export interface LogQueueOptions<T> extends QueueParameters {
  name: string;
  /** Sends one batch; a throw/rejection means "retry later". */
  handler: (batch: T[]) => void | Promise<void>;
  logger?: Logger;
}

// Kong's defaults (kong/tools/queue_schema.lua).
const DEFAULTS: Required<QueueParameters> = {
  max_batch_size: 1,
  max_coalescing_delay: 1,
  max_entries: 10000,
  initial_retry_delay: 0.01,
  max_retry_time: 60,
  max_retry_delay: 60,
};

/**
 * A bounded, batching, retrying queue for log-phase work.
 * @example
 * const queue = new LogQueue({ name: 'http-log', max_batch_size: 100, handler: (batch) => post(batch) });
 * log(kong) { queue.enqueue(kong.log.serialize()); }
 */
export class LogQueue<T> {
  readonly name: string;
  private readonly params: Required<QueueParameters>;
  private readonly handler: (batch: T[]) => void | Promise<void>;
  private readonly logger: Logger | undefined;
  private readonly entries: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private closed = false;
  /** Entries dropped because the queue was full or a batch ran out of retries. */
  dropped = 0;
  /** Failed send attempts (each retry counts). */
  failures = 0;

  constructor(options: LogQueueOptions<T>) {
    this.name = options.name;
    this.handler = options.handler;
    this.logger = options.logger;
    this.params = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as Array<keyof QueueParameters>) {
      const value = options[key];
      if (typeof value === 'number' && value >= 0) this.params[key] = value;
    }
    if (this.params.max_batch_size < 1) this.params.max_batch_size = 1;
    if (this.params.max_entries < 1) this.params.max_entries = 1;
  }

  /** Entries waiting (not counting a batch being sent). */
  get size(): number {
    return this.entries.length;
  }

  /** Adds an entry; when full the oldest waiting entry is dropped (and counted). */
  enqueue(entry: T): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    if (this.entries.length >= this.params.max_entries) {
      this.entries.shift();
      this.dropped++;
      this.logger?.warn(`queue ${this.name}: queue full, dropping oldest entry`);
    }
    this.entries.push(entry);
    this.schedule();
  }

  /** Sends everything waiting now (ignoring the coalescing delay) and resolves when idle. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.sending !== null || this.entries.length > 0) {
      if (this.sending === null) this.sending = this.drain(true);
      await this.sending;
    }
  }

  /** Flushes, then refuses new entries. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.sending !== null) return;
    if (this.entries.length >= this.params.max_batch_size) {
      this.clearTimer();
      this.sending = this.drain(false);
      return;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.sending === null) this.sending = this.drain(true);
      }, this.params.max_coalescing_delay * 1000);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Sends batches while full ones (or, when `partial`, any) are waiting. */
  private async drain(partial: boolean): Promise<void> {
    try {
      while (this.entries.length >= this.params.max_batch_size || (partial && this.entries.length > 0)) {
        await this.send(this.entries.splice(0, this.params.max_batch_size));
      }
    } finally {
      this.sending = null;
      if (this.entries.length > 0 && !this.closed) this.schedule();
    }
  }

  private async send(batch: T[]): Promise<void> {
    const started = Date.now();
    let delay = this.params.initial_retry_delay;
    for (;;) {
      try {
        await this.handler(batch);
        return;
      } catch (error) {
        this.failures++;
        const elapsed = (Date.now() - started) / 1000;
        if (elapsed + delay > this.params.max_retry_time) {
          this.dropped += batch.length;
          this.logger?.error(`queue ${this.name}: could not send entries due to max_retry_time exceeded. ${batch.length} queue entries were lost`, {
            error: (error as Error).message,
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay * 1000));
        delay = Math.min(delay * 2, this.params.max_retry_delay);
      }
    }
  }
}

/**
 * Kong's `queue` config record (kong/tools/queue_schema.lua), shared by the queued loggers.
 * `max_bytes` and `concurrency_limit` are accepted for compatibility; Portico's queue is
 * bounded by entries and always sends with one consumer (Kong's default, concurrency 1).
 * @example
 * fields: { queue: queueSchema({ max_batch_size: 200 }) }
 */
export function queueSchema(defaults: { max_batch_size?: number; max_coalescing_delay?: number } = {}) {
  return {
    type: 'record',
    required: true,
    fields: {
      name: { type: 'string' },
      max_batch_size: { type: 'integer', default: defaults.max_batch_size ?? 1, between: [1, 1_000_000] },
      max_coalescing_delay: { type: 'number', default: defaults.max_coalescing_delay ?? 1, between: [0, 3600] },
      max_entries: { type: 'integer', default: 10_000, between: [1, 1_000_000] },
      max_bytes: { type: 'integer' },
      max_retry_time: { type: 'number', default: 60 },
      initial_retry_delay: { type: 'number', default: 0.01, between: [0.001, 1_000_000] },
      max_retry_delay: { type: 'number', default: 60, between: [0.001, 1_000_000] },
      concurrency_limit: { type: 'integer', default: 1, one_of: [-1, 1] },
    },
  } as const;
}
