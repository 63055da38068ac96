// Fixtures shared by this folder's tests: upstream/target rows with Kong's defaults and a
// scripted DNS resolver (the resolver is an injected dependency, so a double is legitimate).

import assert from 'node:assert/strict';
import type { Target, Upstream } from '../../entities/types.ts';
import type { Balancer, DnsRecord, DnsResolver, Peer } from './types.ts';

export function upstreamRow(overrides: Partial<Upstream> = {}): Upstream {
  return {
    id: 'u-1', created_at: 1, updated_at: 1, name: 'backend', algorithm: 'round-robin',
    hash_on: 'none', hash_fallback: 'none', hash_on_header: null, hash_fallback_header: null,
    hash_on_cookie: null, hash_on_cookie_path: '/', hash_on_query_arg: null, hash_fallback_query_arg: null,
    hash_on_uri_capture: null, hash_fallback_uri_capture: null, slots: 10000,
    healthchecks: {} as Upstream['healthchecks'], host_header: null, client_certificate: null,
    use_srv_name: false, tags: null, ...overrides,
  };
}

let sequence = 0;
export function targetRow(target: string, weight = 100, overrides: Partial<Target> = {}): Target {
  sequence += 1;
  return { id: `t-${sequence}`, created_at: sequence, updated_at: sequence, upstream: { id: 'u-1' }, target, weight, tags: null, ...overrides };
}

type Script = DnsRecord[] | Error;

/** A resolver answering from a mutable table; counts queries; can hold answers until released. */
export class ScriptedResolver implements DnsResolver {
  readonly answers = new Map<string, Script>();
  readonly queries: string[] = [];
  held: Array<() => void> | null = null;

  set(name: string, answer: Script): this {
    this.answers.set(name, answer);
    return this;
  }

  /** Queries wait until release() while holding. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  async resolve(name: string): Promise<DnsRecord[]> {
    this.queries.push(name);
    if (this.held) await new Promise<void>((go) => this.held!.push(go));
    const answer = this.answers.get(name);
    if (answer === undefined) throw Object.assign(new Error(`${name} not found`), { code: 'ENOTFOUND' });
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

export function a(address: string, ttl = 30): DnsRecord {
  return { address, family: address.includes(':') ? 6 : 4, ttl };
}

/** A clock the test moves by hand (milliseconds). */
export function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

/** Lets pending promise callbacks (background DNS refreshes) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((done) => setImmediate(done));
}

/** A pick that must not need DNS: asserts the synchronous hot path and returns the peer. */
export function pickSync(balancer: Balancer, tried: readonly Peer[] = [], hashInput?: string): Peer {
  const peer = balancer.pick(tried, hashInput);
  assert.ok(!(peer instanceof Promise), 'this pick must be synchronous');
  return peer;
}
