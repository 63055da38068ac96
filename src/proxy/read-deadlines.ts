// Kong's service.read_timeout (nginx proxy_read_timeout: the longest wait for the upstream
// between two reads) for every exchange in flight, on one sweep timer per worker.
//
// undici can do this itself (headersTimeout/bodyTimeout), but it arms a timer object per request
// and its coarse timers stay referenced until its next half-second sweep, so every proxied
// request left timer garbage that outlived two scavenges. That garbage filled the old generation
// and the major GCs that cleared it were the worst of the proxy's p99 latency. Here an exchange
// in flight is a node in an intrusive list (no allocation per request) and one interval walks
// the list; a deadline is a number the exchange moves forward on every read.

export interface ReadWatched {
  /** Epoch ms after which the read has timed out. */
  readDeadline: number;
  /** The read timeout itself, to push the deadline while reading is paused. */
  readTimeoutMs: number;
  watchPrev: ReadWatched | null;
  watchNext: ReadWatched | null;
  watched: boolean;
  /** True while the proxy itself stopped reading (client backpressure, a slow filter). */
  readPaused(): boolean;
  readTimedOut(): void;
}

export class ReadDeadlines {
  private head: ReadWatched | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly tickMs: number;
  private readonly now: () => number;

  /** `tickMs` is the precision: a timeout fires up to one tick late. */
  constructor(tickMs: number, now: () => number = Date.now) {
    this.tickMs = tickMs;
    this.now = now;
  }

  watch(item: ReadWatched, deadline: number): void {
    item.readDeadline = deadline;
    if (item.watched) return;
    item.watched = true;
    item.watchPrev = null;
    item.watchNext = this.head;
    if (this.head !== null) this.head.watchPrev = item;
    this.head = item;
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(), this.tickMs);
      this.timer.unref();
    }
  }

  unwatch(item: ReadWatched): void {
    if (!item.watched) return;
    item.watched = false;
    if (item.watchPrev !== null) item.watchPrev.watchNext = item.watchNext;
    else this.head = item.watchNext;
    if (item.watchNext !== null) item.watchNext.watchPrev = item.watchPrev;
    item.watchPrev = null;
    item.watchNext = null;
  }

  get watching(): number {
    let count = 0;
    for (let item = this.head; item !== null; item = item.watchNext) count += 1;
    return count;
  }

  /** Fires every expired deadline; public for tests. */
  sweep(): void {
    // The interval stops itself once idle rather than on every unwatch, so a lightly loaded
    // worker does not create a timer per request.
    if (this.head === null) {
      if (this.timer !== null) { clearInterval(this.timer); this.timer = null; }
      return;
    }
    const now = this.now();
    let item: ReadWatched | null = this.head;
    while (item !== null) {
      const next: ReadWatched | null = item.watchNext;
      if (item.readDeadline <= now) {
        if (item.readPaused()) {
          item.readDeadline = now + item.readTimeoutMs;
        } else {
          this.unwatch(item);
          item.readTimedOut();
        }
      }
      item = next;
    }
  }
}

/**
 * The worker's read deadlines for timeouts of PRECISE_BELOW_MS and more; shorter timeouts get a
 * native timer each (a 250 ms tick would be too coarse for them, and they are rare).
 */
export const PRECISE_BELOW_MS = 2000;
export const readDeadlines = new ReadDeadlines(250);
