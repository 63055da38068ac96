// From target rows to addresses: Kong's view of an upstream's targets
// (kong/runloop/balancer/targets.lua and balancers.lua addAddress).

import { isIP } from 'node:net';
import type { Target, Upstream } from '../../entities/types.ts';
import type { DnsRecord, Peer } from './types.ts';

export interface ActiveTarget {
  id: string;
  /** Host as written in the target, without IPv6 brackets. */
  host: string;
  port: number;
  weight: number;
  isIp: boolean;
}

/** One balanced address: a peer plus its weight (Kong's `address` object). */
export interface Address {
  readonly peer: Peer;
  readonly weight: number;
  /** `ip:port`, unique within a balancer build. */
  readonly key: string;
}

/** Kong's default target port, appended on write when the target names none. */
const DEFAULT_TARGET_PORT = 8000;
/** Kong's SRV_0_WEIGHT: an SRV entry of weight 0 is kept, but hit as rarely as possible. */
const SRV_ZERO_WEIGHT = 1;

/** IPv6 literals go into a Host header in brackets (Kong keeps them from the `[v6]:port` target). */
export function hostForHeader(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Splits `host:port`, `[v6]:port`, bare hosts and bare IPv6 literals. */
export function splitHostPort(value: string): { host: string; port: number } {
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    const host = value.slice(1, close);
    const rest = value.slice(close + 1);
    return { host, port: rest.startsWith(':') ? Number(rest.slice(1)) : DEFAULT_TARGET_PORT };
  }
  if (isIP(value) === 6) return { host: value, port: DEFAULT_TARGET_PORT };
  const colon = value.lastIndexOf(':');
  if (colon === -1) return { host: value, port: DEFAULT_TARGET_PORT };
  return { host: value.slice(0, colon), port: Number(value.slice(colon + 1)) };
}

/**
 * The targets that take traffic. Several rows for one `target` can exist (older Kong kept an
 * append-only history); the newest by created_at wins, and weight 0 disables it.
 */
export function activeTargets(upstream: Upstream, targets: readonly Target[]): ActiveTarget[] {
  const newest = new Map<string, Target>();
  for (const row of targets) {
    if (row.upstream.id !== upstream.id) continue;
    const seen = newest.get(row.target);
    // `>=`: on equal timestamps the later row in the list is the later write.
    if (!seen || row.created_at >= seen.created_at) newest.set(row.target, row);
  }
  const active: ActiveTarget[] = [];
  for (const row of newest.values()) {
    if (row.weight <= 0) continue;
    const { host, port } = splitHostPort(row.target);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || host === '') continue;
    active.push({ id: row.id, host, port, weight: row.weight, isIp: isIP(host) !== 0 });
  }
  return active;
}

function hostHeaderFor(upstream: Upstream, target: ActiveTarget, record?: DnsRecord): string {
  if (upstream.host_header !== null && upstream.host_header !== '') return upstream.host_header;
  // Kong setHostHeader: an SRV entry naming another host uses that name only with use_srv_name.
  if (record?.name !== undefined && upstream.use_srv_name) return record.name;
  return hostForHeader(target.host);
}

export function ipTargetAddresses(upstream: Upstream, target: ActiveTarget): Address[] {
  const peer: Peer = { host: target.host, port: target.port, hostname: hostHeaderFor(upstream, target), targetId: target.id };
  return [{ peer, weight: target.weight, key: `${target.host}:${target.port}` }];
}

/**
 * One address per DNS record. As in Kong's addAddress, an A/AAAA record carries the target's
 * full weight (so a name with 3 addresses weighs 3x), an SRV record its own weight and port.
 */
export function dnsTargetAddresses(upstream: Upstream, target: ActiveTarget, records: readonly DnsRecord[]): Address[] {
  const addresses: Address[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const port = record.port !== undefined && record.port !== 0 ? record.port : target.port;
    const key = `${record.address}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const weight = record.weight === undefined ? target.weight : record.weight === 0 ? SRV_ZERO_WEIGHT : record.weight;
    const peer: Peer = { host: record.address, port, hostname: hostHeaderFor(upstream, target, record), targetId: target.id };
    addresses.push({ peer, weight, key });
  }
  // Kong sorts DNS answers so the balancer is built identically whatever order the server used.
  return addresses.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Whether `peer` was already tried in this request (same address and port). */
export function wasTried(peer: Peer, tried: readonly Peer[]): boolean {
  for (const t of tried) if (t.host === peer.host && t.port === peer.port) return true;
  return false;
}
