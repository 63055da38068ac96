// Node-wide key/value dictionaries with expiry (Kong's `lua_shared_dict`, e.g. the `kong_db_cache`
// dictionary proxy-cache's memory strategy stores responses in). One set per node: the primary
// owns them and workers reach them over IPC (src/runtime/shared-counters.ts), so a response
// cached by one worker is a hit on every worker and an Admin API purge reaches them all.
// Values must be structured-cloneable (plain objects, strings, numbers, Buffers).

/**
 * kong.dictionaries.
 * @example
 * await kong.dictionaries.set('kong_db_cache', key, entry, 300);
 */
export interface SharedDictionaries {
  get(dictionary: string, key: string): Promise<unknown>;
  set(dictionary: string, key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** True when a live value was removed. */
  delete(dictionary: string, key: string): Promise<boolean>;
  flush(dictionary: string): Promise<void>;
}

interface Slot { value: unknown; expiresAt: number }

/**
 * Dictionaries in this process's memory (the primary's, or a single-process node's).
 * @example
 * const dictionaries = new InProcessDictionaries();
 */
export class InProcessDictionaries implements SharedDictionaries {
  private readonly dictionaries = new Map<string, Map<string, Slot>>();

  getNow(dictionary: string, key: string): unknown {
    const slots = this.dictionaries.get(dictionary);
    const slot = slots?.get(key);
    if (slot === undefined) return null;
    if (slot.expiresAt > Date.now()) return slot.value;
    slots!.delete(key);
    return null;
  }

  setNow(dictionary: string, key: string, value: unknown, ttlSeconds: number): void {
    let slots = this.dictionaries.get(dictionary);
    if (slots === undefined) this.dictionaries.set(dictionary, (slots = new Map()));
    // Expired slots go when the dictionary is written, so memory follows the live entries.
    if (slots.size > 0 && slots.size % 1024 === 0) {
      const now = Date.now();
      for (const [name, slot] of slots) if (slot.expiresAt <= now) slots.delete(name);
    }
    slots.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  deleteNow(dictionary: string, key: string): boolean {
    const live = this.getNow(dictionary, key) !== null;
    this.dictionaries.get(dictionary)?.delete(key);
    return live;
  }

  flushNow(dictionary: string): void {
    this.dictionaries.delete(dictionary);
  }

  get(dictionary: string, key: string): Promise<unknown> { return Promise.resolve(this.getNow(dictionary, key)); }
  set(dictionary: string, key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.setNow(dictionary, key, value, ttlSeconds);
    return Promise.resolve();
  }
  delete(dictionary: string, key: string): Promise<boolean> { return Promise.resolve(this.deleteNow(dictionary, key)); }
  flush(dictionary: string): Promise<void> {
    this.flushNow(dictionary);
    return Promise.resolve();
  }
}

/** The dictionaries of a process that has no primary to ask. */
export const PROCESS_DICTIONARIES: SharedDictionaries = new InProcessDictionaries();
