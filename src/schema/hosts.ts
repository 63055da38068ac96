// Host and IP parsing as Kong's `utils.normalize_ip` / `hostname_type` (kong/tools/ip.lua):
// IPv4 with range-checked octets, IPv6 (bracketed when a port follows), or a host name made of
// letters, digits, `-`, `.`, `_`, each optionally followed by `:port`.
import { isIPv4, isIPv6 } from 'node:net';

export type HostType = 'ipv4' | 'ipv6' | 'name';

export interface ParsedHost {
  type: HostType;
  host: string;
  port: number | null;
}

/** Kong's error strings: `invalid ipv4 address: x`, `invalid port number`, `invalid value: x`. */
export type HostParseResult = { ok: true; type: HostType; value: ParsedHost } | { ok: false; error: string; type: HostType };

const MAX_PORT = 65535;

export function hostnameType(address: string): HostType {
  const colons = address.split(':').length - 1;
  if (colons > 1) return 'ipv6';
  if (/^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(address)) return 'ipv4';
  return 'name';
}

function parsePort(raw: string | undefined): number | null | 'invalid' {
  if (raw === undefined) return null;
  const port = Number(raw);
  return port > MAX_PORT ? 'invalid' : port;
}

/** Kong's normalize_ipv6: eight zero-padded lower-case groups (`::1` → `0000:…:0001`). */
export function expandIpv6(address: string): string {
  let head = address.toLowerCase();
  // An embedded IPv4 tail becomes two hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(head);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    head = head.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = head.split('::') as [string, string | undefined];
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const fill = right === undefined ? [] : Array(8 - leftGroups.length - rightGroups.length).fill('0');
  return [...leftGroups, ...fill, ...rightGroups].map((g) => g.padStart(4, '0')).join(':');
}

export function normalizeIp(address: string): HostParseResult {
  const type = hostnameType(address);
  if (type === 'ipv4') {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(address)!;
    if (!m[1]!.split('.').every((o) => Number(o) <= 255)) {
      return { ok: false, error: `invalid ipv4 address: ${address}`, type };
    }
    const port = parsePort(m[2]);
    if (port === 'invalid') return { ok: false, error: 'invalid port number', type };
    return { ok: true, type, value: { type, host: m[1]!.split('.').map((o) => String(Number(o))).join('.'), port } };
  }
  if (type === 'ipv6') {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
    const host = bracketed ? bracketed[1]! : address;
    if (!isIPv6(host)) return { ok: false, error: `invalid ipv6 address: ${address}`, type };
    const port = parsePort(bracketed?.[2]);
    if (port === 'invalid') return { ok: false, error: 'invalid port number', type };
    return { ok: true, type, value: { type, host: `[${expandIpv6(host)}]`, port } };
  }
  const m = /^(.*?)(?::(\d+))?$/.exec(address)!;
  const name = m[1]!;
  const port = parsePort(m[2]);
  if (port === 'invalid') return { ok: false, error: 'invalid port number', type };
  const validName = /^[A-Za-z0-9\-._]+$/.test(name)
    && name.split('.').every((label) => label !== '' && !label.startsWith('-') && !label.endsWith('-'));
  if (!validName) return { ok: false, error: `invalid value: ${address}`, type };
  return { ok: true, type, value: { type, host: name, port } };
}

/** An IP or CIDR block (`10.0.0.0/8`, `::1/128`), as accepted by route sources/destinations. */
export function isIpOrCidr(value: string): boolean {
  const [ip, mask, ...rest] = value.split('/');
  if (rest.length > 0 || ip === undefined) return false;
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : 0;
  if (family === 0) return false;
  if (mask === undefined) return true;
  if (!/^\d{1,3}$/.test(mask)) return false;
  return Number(mask) <= (family === 4 ? 32 : 128);
}
