// Least-connections as in Kong's least_connections.lua: the address with the lowest
// (active connections + 1) / weight wins, so heavier targets carry proportionally more
// concurrent requests. Ties rotate so equal addresses share idle traffic evenly.

import { wasTried } from './targets.ts';
import type { Address } from './targets.ts';
import type { Algorithm } from './algorithm.ts';
import type { Peer } from './types.ts';

const keyOf = (peer: Peer): string => `${peer.host}:${peer.port}`;

export function createLeastConnections(): Algorithm {
  let addresses: readonly Address[] = [];
  let offset = 0;
  // Counts survive rebuilds: connections opened before a DNS refresh still end later.
  const active = new Map<string, number>();

  return {
    rebuild(next) {
      addresses = next.filter((a) => a.weight > 0);
    },
    pick(tried: readonly Peer[]): Peer | null {
      const n = addresses.length;
      if (n === 0) return null;
      let best: Address | null = null;
      let bestScore = Infinity;
      let bestFresh = false;
      for (let step = 0; step < n; step++) {
        const address = addresses[(offset + step) % n]!;
        const fresh = tried.length === 0 || !wasTried(address.peer, tried);
        const score = ((active.get(address.key) ?? 0) + 1) / address.weight;
        if (best === null || (fresh && !bestFresh) || (fresh === bestFresh && score < bestScore)) {
          best = address;
          bestScore = score;
          bestFresh = fresh;
        }
      }
      offset = (offset + 1) % n;
      return best!.peer;
    },
    onStart(peer) {
      const key = keyOf(peer);
      active.set(key, (active.get(key) ?? 0) + 1);
    },
    onEnd(peer) {
      const key = keyOf(peer);
      const count = (active.get(key) ?? 0) - 1;
      if (count > 0) active.set(key, count);
      else active.delete(key);
    },
  };
}
