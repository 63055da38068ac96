// Test-only helpers shared by the provider fixture tests: read a fixture next to the test file and
// feed a stream translator the same bytes cut at awkward boundaries.

import { readFileSync } from 'node:fs';
import type { LlmConf } from '../conf.ts';
import type { StreamItem, UpstreamInput } from '../providers/types.ts';

export function fixtureText(testUrl: string, name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, testUrl), 'utf8');
}

export function fixtureJson(testUrl: string, name: string): any {
  return JSON.parse(fixtureText(testUrl, name));
}

/** Anything incremental: stream translators, the SSE parser, splitters. */
export interface Incremental<T> {
  push(chunk: Uint8Array): T[];
  end(): T[];
}

/** Feeds `input` in pieces of the given byte sizes (cycled), then ends the stream. */
export function feedInPieces<T = StreamItem>(translator: Incremental<T>, input: string | Uint8Array, sizes: number[]): T[] {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const items: T[] = [];
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    const size = sizes[index++ % sizes.length]!;
    items.push(...translator.push(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  items.push(...translator.end());
  return items;
}

/** Byte-split patterns every stream fixture is checked with (whole, 1 byte, primes). */
export const SPLITS: number[][] = [[1 << 30], [1], [3], [7, 2], [64, 5, 1]];

/** A translated-route UpstreamInput with sensible defaults for driver tests. */
export function upstreamInput(conf: LlmConf, overrides: Partial<UpstreamInput> = {}): UpstreamInput {
  return {
    conf,
    routeType: conf.route_type,
    model: conf.model.name ?? undefined,
    stream: false,
    clientMethod: 'POST',
    clientPath: '/ai/chat',
    clientQuery: '',
    clientHeaders: {},
    ...overrides,
  };
}
