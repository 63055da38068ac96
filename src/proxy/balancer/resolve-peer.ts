// Peers for a service host that is not an upstream name (Kong's `toip` path): IP literals as
// they are, names through the shared DNS cache, rotating over the answer's addresses as Kong's
// DNS client round-robins over a multi-address record.

import { isIP } from 'node:net';
import { cacheFor } from './dns-cache.ts';
import type { DnsAnswer } from './dns-cache.ts';
import { defaultResolver } from './default-resolver.ts';
import { hostForHeader } from './targets.ts';
import type { DnsResolver, Peer } from './types.ts';

const cursors = new WeakMap<DnsAnswer, number>();

function fromAnswer(answer: DnsAnswer, hostname: string, port: number): Peer {
  const cursor = cursors.get(answer) ?? 0;
  cursors.set(answer, cursor + 1);
  const record = answer.records[cursor % answer.records.length]!;
  // An SRV answer carries its own port (Kong uses it unless it is 0).
  const recordPort = record.port !== undefined && record.port !== 0 ? record.port : port;
  return { host: record.address, port: recordPort, hostname, targetId: null };
}

export function resolvePeer(host: string, port: number, resolver?: DnsResolver): Peer | Promise<Peer> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return { host: bare, port, hostname: hostForHeader(bare), targetId: null };
  const answer = cacheFor(resolver ?? defaultResolver()).lookup(bare);
  if (answer instanceof Promise) return answer.then((a) => fromAnswer(a, host, port));
  return fromAnswer(answer, host, port);
}
