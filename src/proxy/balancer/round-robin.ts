// Weighted round-robin. Kong builds a shuffled wheel of weight/gcd slots; we use the smooth
// weighted round-robin of nginx instead, which gives the same long-run shares with an even,
// deterministic interleave (weights 5,1,1 → a a b a c a a, never a a a a a b c).

import { wasTried } from './targets.ts';
import type { Address } from './targets.ts';
import type { Algorithm } from './algorithm.ts';
import type { Peer } from './types.ts';

export function createRoundRobin(): Algorithm {
  let addresses: readonly Address[] = [];
  let current: number[] = [];
  let total = 0;

  return {
    rebuild(next) {
      // Keep each surviving address's running credit so a DNS refresh does not restart the cycle.
      const previous = new Map<string, number>();
      addresses.forEach((a, i) => previous.set(a.key, current[i] ?? 0));
      addresses = next;
      current = next.map((a) => previous.get(a.key) ?? 0);
      total = next.reduce((sum, a) => sum + a.weight, 0);
    },
    pick(tried: readonly Peer[]): Peer | null {
      if (total === 0) return null;
      // Every address earns its weight; the richest not-yet-tried one is chosen and pays the
      // total. Credit keeps flowing to tried ones, so the long-run shares stay exact.
      let best = -1;
      let bestFresh = false;
      for (let i = 0; i < addresses.length; i++) {
        current[i]! += addresses[i]!.weight;
        const fresh = tried.length === 0 || !wasTried(addresses[i]!.peer, tried);
        if (best === -1 || (fresh && !bestFresh) || (fresh === bestFresh && current[i]! > current[best]!)) {
          best = i;
          bestFresh = fresh;
        }
      }
      current[best]! -= total;
      return addresses[best]!.peer;
    },
  };
}
