// Kong's `latency` algorithm (kong/runloop/balancer/latency.lua, after Finagle's PeakEwma):
// each address keeps an exponentially weighted moving average of its response times that
// decays towards 0 over DECAY_TIME while idle; a pick compares two candidates ("power of two
// choices") and takes the lower ewma / weight. New addresses start at the current average so
// they are not flooded before their first measurement.

import { wasTried } from './targets.ts';
import type { Address } from './targets.ts';
import type { Algorithm } from './algorithm.ts';
import type { Peer } from './types.ts';

/** Kong: DECAY_TIME, seconds. */
const DECAY_SECONDS = 10;

interface Average {
  value: number;
  touchedAt: number;
}

export function createLatency(now: () => number, random: () => number = Math.random): Algorithm {
  let addresses: Address[] = [];
  const averages = new Map<string, Average>();

  /** The average as of `time`, blended with `sample` (0 when only scoring). */
  function decayed(key: string, sample: number, time: number): number {
    const average = averages.get(key);
    if (!average) return sample;
    const idleSeconds = Math.max(0, (time - average.touchedAt) / 1000);
    const keep = Math.exp(-idleSeconds / DECAY_SECONDS);
    return average.value * keep + sample * (1 - keep);
  }

  function score(address: Address, time: number): number {
    return decayed(address.key, 0, time) / address.weight;
  }

  return {
    rebuild(next) {
      addresses = next.filter((a) => a.weight > 0);
      const keys = new Set(addresses.map((a) => a.key));
      for (const key of averages.keys()) if (!keys.has(key)) averages.delete(key);
      if (averages.size === 0) return;
      const time = now();
      let sum = 0;
      for (const average of averages.values()) sum += average.value;
      const slowStart = sum / averages.size;
      for (const key of keys) if (!averages.has(key)) averages.set(key, { value: slowStart, touchedAt: time });
    },
    pick(tried: readonly Peer[]): Peer | null {
      if (addresses.length === 0) return null;
      let candidates = addresses;
      if (tried.length > 0) {
        const fresh = addresses.filter((a) => !wasTried(a.peer, tried));
        if (fresh.length > 0) candidates = fresh;
      }
      if (candidates.length === 1) return candidates[0]!.peer;
      const first = Math.floor(random() * candidates.length);
      let second = Math.floor(random() * (candidates.length - 1));
      if (second >= first) second++;
      const time = now();
      const one = candidates[first]!;
      const other = candidates[second]!;
      return (score(other, time) < score(one, time) ? other : one).peer;
    },
    onEnd(peer, latencyMs) {
      if (latencyMs === undefined || !Number.isFinite(latencyMs) || latencyMs < 0) return;
      const key = `${peer.host}:${peer.port}`;
      if (!addresses.some((a) => a.key === key)) return;
      const time = now();
      averages.set(key, { value: decayed(key, latencyMs, time), touchedAt: time });
    },
  };
}
