// Consistent hashing as in Kong's consistent_hashing.lua (Ketama style): a continuum of
// `upstream.slots` points (at least 1000), each address owning ~160 points per target scaled by
// its weight share at hashed positions; a key hashes to a point and belongs to the nearest owned
// point counter-clockwise. Adding one of n addresses therefore moves only ~1/n of the keys.

import { wasTried } from './targets.ts';
import type { Address } from './targets.ts';
import type { Algorithm } from './algorithm.ts';
import type { Peer } from './types.ts';

/** Kong: MIN_CONTINUUM_SIZE / DEFAULT_CONTINUUM_SIZE. */
const MIN_POINTS = 1000;
/** Kong: SERVER_POINTS, points per address when all weights are equal. */
const POINTS_PER_ADDRESS = 160;

/** 32-bit FNV-1a with a murmur3 finaliser: cheap, and well spread for near-identical keys. */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createConsistentHashing(slots: number): Algorithm {
  const points = Math.max(MIN_POINTS, slots | 0);
  let addresses: Address[] = [];
  // owner[i]: index into `addresses` of the nearest owned point at or before i; -1 when empty.
  let owner = new Int32Array(points).fill(-1);
  // down[i]: addresses[i] is unhealthy. Unhealthy addresses keep their points (as in Kong, where
  // getPeer walks past them), so keys of healthy addresses never move when another flaps.
  let down: boolean[] = [];
  let availableCount = 0;

  return {
    keepsUnavailable: true,
    rebuild(next, unavailable) {
      // Build from a canonical order so every worker and every rebuild resolves collisions alike.
      addresses = next.filter((a) => a.weight > 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const continuum = new Int32Array(points).fill(-1);
      const totalWeight = addresses.reduce((sum, a) => sum + a.weight, 0);
      // Kong fails when the wheel is too small for the points asked; we scale the points down,
      // keeping the continuum at most half full so few points collide.
      const budget = Math.min(addresses.length * POINTS_PER_ADDRESS, Math.floor(points / 2));
      addresses.forEach((address, index) => {
        const entries = Math.max(1, Math.floor((address.weight / totalWeight) * budget));
        // A point landing on a taken slot is dropped, not re-hashed further: an address's points
        // are then a function of its own key alone, so adding an address can take points over
        // but never pushes an existing address's point elsewhere (which would move keys between
        // addresses that did not change — issue 7 §4 minimal remap).
        for (let i = 1; i <= entries; i++) {
          const slot = hash32(`${address.key} ${i}`) % points;
          if (continuum[slot] === -1) continuum[slot] = index;
        }
      });
      // Precompute the counter-clockwise owner of every point so a lookup is O(1).
      let last = -1;
      for (let i = points - 1; i >= 0 && last === -1; i--) if (continuum[i] !== -1) last = continuum[i]!;
      const resolved = new Int32Array(points);
      for (let i = 0; i < points; i++) {
        if (continuum[i] !== -1) last = continuum[i]!;
        resolved[i] = last;
      }
      owner = resolved;
      down = addresses.map((a) => unavailable?.has(a.key) === true);
      availableCount = down.filter((d) => !d).length;
    },
    pick(tried: readonly Peer[], hashInput = ''): Peer | null {
      if (availableCount === 0) return null;
      let index = hash32(hashInput) % points;
      const first = owner[index]!;
      if (!down[first] && (tried.length === 0 || !wasTried(addresses[first]!.peer, tried))) return addresses[first]!.peer;
      // A retry (or an unhealthy owner) walks on counter-clockwise to the next healthy address
      // not yet tried, so one key always lands on the same sequence of addresses.
      let fallback = down[first] ? -1 : first;
      for (let step = 0; step < points; step++) {
        index = index === 0 ? points - 1 : index - 1;
        const candidate = owner[index]!;
        if (down[candidate]) continue;
        if (!wasTried(addresses[candidate]!.peer, tried)) return addresses[candidate]!.peer;
        if (fallback === -1) fallback = candidate;
      }
      return fallback === -1 ? null : addresses[fallback]!.peer;
    },
  };
}
