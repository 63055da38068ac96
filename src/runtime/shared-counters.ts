// The node's shared counters and dictionaries across processes: the primary owns them (one
// InProcessCounters and one InProcessDictionaries for the whole node, like Kong's lua_shared_dict
// shared by every nginx worker) and answers workers over the IPC channel it already has with each. Each call is one message and one
// synchronous step on the primary, so concurrent calls from different workers never interleave.
import type { ChildProcess } from 'node:child_process';
import type { AcquireResult, CounterSlot, InProcessCounters, InProcessDictionaries, SharedCounters, SharedDictionaries } from '../pdk/index.ts';

type CounterCall =
  | { type: 'counters:call'; id: number; op: 'increment'; key: string; delta: number; ttlSeconds: number }
  | { type: 'counters:call'; id: number; op: 'get'; keys: string[] }
  | { type: 'counters:call'; id: number; op: 'acquire'; slots: CounterSlot[] }
  | { type: 'counters:call'; id: number; op: 'dict:get' | 'dict:delete'; dictionary: string; key: string }
  | { type: 'counters:call'; id: number; op: 'dict:set'; dictionary: string; key: string; value: unknown; ttlSeconds: number }
  | { type: 'counters:call'; id: number; op: 'dict:flush'; dictionary: string };

type CounterReply = { type: 'counters:reply'; id: number; value?: unknown; error?: string };

/** How long a worker waits for the primary before the call fails (the policy's fault_tolerant decides). */
const CALL_TIMEOUT_MS = 1_000;

function answer(counters: InProcessCounters, dictionaries: InProcessDictionaries | undefined, call: CounterCall): unknown {
  switch (call.op) {
    case 'increment': return counters.incrementNow(call.key, call.delta, call.ttlSeconds);
    case 'get': return counters.getNow(call.keys);
    case 'acquire': return counters.acquireNow(call.slots);
  }
  if (dictionaries === undefined) throw new Error('this node has no shared dictionaries');
  switch (call.op) {
    case 'dict:get': return dictionaries.getNow(call.dictionary, call.key);
    case 'dict:delete': return dictionaries.deleteNow(call.dictionary, call.key);
    case 'dict:set': return dictionaries.setNow(call.dictionary, call.key, call.value, call.ttlSeconds);
    case 'dict:flush': return dictionaries.flushNow(call.dictionary);
  }
}

/**
 * Primary side: answers one worker's counter and dictionary calls from the node's own.
 * @example
 * serveSharedCounters(child, this.counters, this.dictionaries);
 */
export function serveSharedCounters(child: ChildProcess, counters: InProcessCounters, dictionaries?: InProcessDictionaries): void {
  child.on('message', (raw: unknown) => {
    const call = raw as CounterCall;
    if (call === null || typeof call !== 'object' || call.type !== 'counters:call') return;
    let reply: CounterReply;
    try {
      reply = { type: 'counters:reply', id: call.id, value: answer(counters, dictionaries, call) };
    } catch (error) {
      reply = { type: 'counters:reply', id: call.id, error: error instanceof Error ? error.message : String(error) };
    }
    if (child.connected) child.send(reply);
  });
}

interface Pending { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }

/**
 * Worker side: kong.counters backed by the primary.
 * @example
 * const counters = new IpcSharedCounters(); // in a forked worker
 */
export class IpcSharedCounters implements SharedCounters {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly channel: NodeJS.Process;

  constructor(channel: NodeJS.Process = process) {
    if (channel.send === undefined) throw new Error('IpcSharedCounters needs an IPC channel to the primary');
    this.channel = channel;
    channel.on('message', (raw: unknown) => {
      const reply = raw as CounterReply;
      if (reply === null || typeof reply !== 'object' || reply.type !== 'counters:reply') return;
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if (reply.error !== undefined) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.value);
    });
  }

  increment(key: string, delta: number, ttlSeconds: number): Promise<number> {
    return this.call({ op: 'increment', key, delta, ttlSeconds }) as Promise<number>;
  }

  get(keys: readonly string[]): Promise<number[]> {
    return this.call({ op: 'get', keys: [...keys] }) as Promise<number[]>;
  }

  acquire(slots: readonly CounterSlot[]): Promise<AcquireResult> {
    return this.call({ op: 'acquire', slots: [...slots] }) as Promise<AcquireResult>;
  }

  /** kong.dictionaries over the same channel (the primary owns the values). */
  readonly dictionaries: SharedDictionaries = {
    get: (dictionary, key) => this.call({ op: 'dict:get', dictionary, key }),
    set: (dictionary, key, value, ttlSeconds) => this.call({ op: 'dict:set', dictionary, key, value, ttlSeconds }) as Promise<void>,
    delete: (dictionary, key) => this.call({ op: 'dict:delete', dictionary, key }) as Promise<boolean>,
    flush: (dictionary) => this.call({ op: 'dict:flush', dictionary }) as Promise<void>,
  };

  private call(body: DistributiveOmit<CounterCall, 'type' | 'id'>): Promise<unknown> {
    if (!this.channel.connected) return Promise.reject(new Error('the primary is not reachable'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the primary did not answer a counter call within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.channel.send!({ type: 'counters:call', id, ...body } as CounterCall);
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
