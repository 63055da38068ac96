// DNS through node:dns, in the order Kong's DNS client uses (dns_order LAST,SRV,A,CNAME with
// /etc/hosts consulted first): hosts file, then SRV for `_service._proto.name` names, then A,
// then AAAA. dns.lookup is the last resort so nsswitch-only names still work.

import { Resolver } from 'node:dns/promises';
import { lookup } from 'node:dns/promises';
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { DnsRecord, DnsResolver } from './types.ts';

export interface SystemResolverOptions {
  /** Nameservers as `ip` or `ip:port`; default: the system's (resolv.conf). */
  servers?: string[];
  /** Per-try timeout in ms (Kong's resolver default is 2000). */
  timeout?: number;
  tries?: number;
  /** Hosts file to consult first; null disables it. */
  hostsFile?: string | null;
  /** TTL in seconds given to hosts-file and dns.lookup answers, which carry none. */
  staticTtl?: number;
  /** TTL in seconds for SRV answers (node:dns does not report SRV TTLs). */
  srvTtl?: number;
}

const NOT_FOUND_CODES = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'EAI_NONAME', 'EAI_NODATA']);

/** True for errors meaning "the name has no such record" (Kong: `3 name error`, `101 empty record`). */
export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_FOUND_CODES.has(code);
}

function notFound(name: string): Error {
  return Object.assign(new Error(`dns server error: 3 name error (${name})`), { code: 'ENOTFOUND' });
}

/** `_service._proto.name`, the shape that makes Kong's client try SRV first. */
function looksLikeSrv(name: string): boolean {
  return /^_[^.]+\._[^.]+\.[^.]/.test(name);
}

type HostsTable = Map<string, DnsRecord[]>;

function parseHosts(text: string, ttl: number): HostsTable {
  const table: HostsTable = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [address, ...names] = line.split(/\s+/);
    const family = address ? isIP(address) : 0;
    if (!address || (family !== 4 && family !== 6)) continue;
    for (const name of names) {
      const key = name.toLowerCase();
      const list = table.get(key) ?? [];
      // Like glibc, the first line naming a host wins per family; duplicates are ignored.
      if (!list.some((r) => r.family === family)) list.push({ address, family, ttl });
      table.set(key, list);
    }
  }
  return table;
}

export function createSystemResolver(options: SystemResolverOptions = {}): DnsResolver {
  const resolver = new Resolver({ timeout: options.timeout ?? 2000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers(options.servers);
  const hostsFile = options.hostsFile === undefined ? '/etc/hosts' : options.hostsFile;
  const staticTtl = options.staticTtl ?? 30;
  const srvTtl = options.srvTtl ?? 30;
  let hosts: { mtimeMs: number; table: HostsTable } | null = null;

  async function fromHosts(name: string): Promise<DnsRecord[] | undefined> {
    if (hostsFile === null) return undefined;
    try {
      const info = await stat(hostsFile);
      if (!hosts || hosts.mtimeMs !== info.mtimeMs) {
        hosts = { mtimeMs: info.mtimeMs, table: parseHosts(await readFile(hostsFile, 'utf8'), staticTtl) };
      }
    } catch {
      return undefined; // no hosts file: plain DNS
    }
    // A before AAAA, as the A query comes first in Kong's order.
    const found = hosts.table.get(name.toLowerCase());
    return found ? [...found].sort((a, b) => a.family - b.family) : undefined;
  }

  async function addressRecords(name: string): Promise<DnsRecord[]> {
    const fromFile = await fromHosts(name);
    if (fromFile && fromFile.length > 0) return fromFile;
    let firstError: unknown;
    try {
      const v4 = await resolver.resolve4(name, { ttl: true });
      if (v4.length > 0) return v4.map((r) => ({ address: r.address, family: 4 as const, ttl: r.ttl }));
    } catch (error) {
      firstError = error;
    }
    try {
      const v6 = await resolver.resolve6(name, { ttl: true });
      if (v6.length > 0) return v6.map((r) => ({ address: r.address, family: 6 as const, ttl: r.ttl }));
    } catch (error) {
      firstError ??= error;
    }
    try {
      const found = await lookup(name, { all: true });
      const records: DnsRecord[] = [];
      for (const r of found) {
        if (r.family === 4 || r.family === 6) records.push({ address: r.address, family: r.family, ttl: staticTtl });
      }
      if (records.length > 0) return records;
    } catch {
      // keep the DNS server's error: it says more than getaddrinfo's
    }
    if (firstError && !isNotFound(firstError)) throw firstError;
    throw notFound(name);
  }

  async function srvRecords(name: string): Promise<DnsRecord[]> {
    const answers = await resolver.resolveSrv(name);
    if (answers.length === 0) throw notFound(name);
    // Kong only balances over the best (lowest) priority of an SRV answer.
    const best = Math.min(...answers.map((a) => a.priority));
    const records: DnsRecord[] = [];
    for (const answer of answers) {
      if (answer.priority !== best) continue;
      const nested = isIP(answer.name) ? [{ address: answer.name, family: isIP(answer.name) as 4 | 6, ttl: srvTtl }]
        : await addressRecords(answer.name);
      for (const r of nested) {
        records.push({ address: r.address, family: r.family, ttl: Math.min(r.ttl, srvTtl), port: answer.port, weight: answer.weight, name: answer.name });
      }
    }
    return records;
  }

  return {
    async resolve(name: string): Promise<DnsRecord[]> {
      if (looksLikeSrv(name)) {
        try {
          return await srvRecords(name);
        } catch (error) {
          if (!isNotFound(error)) throw error;
          // Kong's order continues with A when SRV finds nothing.
        }
      }
      return addressRecords(name);
    },
  };
}
