// A bounded cache of router results that keeps recently used entries (Kong caches router
// results the same way: `DEFAULT_MATCH_LRUCACHE_SIZE` = 5000 in kong/router/utils.lua).
//
// Two generations instead of a strict LRU list: a hit in the current generation touches
// nothing; a hit in the previous one moves the entry forward; when the current generation is
// full it becomes the previous one and the oldest generation is dropped. A strict LRU on a Map
// deletes and re-inserts on every hit, and each delete leaves a hole that V8 later compacts by
// allocating a new table: on the proxy's hot path that garbage reached the old generation and
// its major GCs were the worst of the p99 latency.

export class LruCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly capacity: number;

  /** `capacity` entries are always kept; at most twice as many are held. */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    let size = this.current.size;
    for (const key of this.previous.keys()) if (!this.current.has(key)) size += 1;
    return size;
  }

  /** Returns undefined on a miss (so values may be null). */
  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.insert(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    if (this.current.has(key)) { this.current.set(key, value); return; }
    this.insert(key, value);
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }

  private insert(key: K, value: V): void {
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
}
