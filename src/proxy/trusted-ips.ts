// trusted_ips and the real-IP rules of nginx's realip module as Kong configures it
// (`set_real_ip_from` per trusted CIDR, `real_ip_header`, `real_ip_recursive`). Matching uses
// node:net BlockList, so both families and any prefix length are exact and allocation-free.
import { BlockList, isIP } from 'node:net';

/** `::ffff:1.2.3.4` (a v4 client on a dual-stack socket) is the v4 address nginx would log. */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (address !== undefined && address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7);
  return address;
}

export class TrustedIps {
  private readonly list = new BlockList();
  private readonly trustUnix: boolean;
  private readonly empty: boolean;

  constructor(entries: readonly string[]) {
    let unix = false;
    let count = 0;
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === 'unix:') { unix = true; continue; }
      const slash = entry.indexOf('/');
      const address = slash === -1 ? entry : entry.slice(0, slash);
      const family = isIP(address);
      if (family === 0) throw new Error(`invalid trusted_ips entry: ${entry}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = slash === -1 ? (family === 4 ? 32 : 128) : Number(entry.slice(slash + 1));
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        throw new Error(`invalid trusted_ips entry: ${entry}`);
      }
      this.list.addSubnet(address, prefix, type);
      count += 1;
    }
    this.trustUnix = unix;
    this.empty = count === 0 && !unix;
  }

  /** `address` undefined means a UNIX-socket peer (only trusted through `unix:`). */
  isTrusted(address: string | undefined): boolean {
    if (this.empty) return false;
    if (address === undefined || address === '') return this.trustUnix;
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * `$remote_addr` after realip: the socket peer unless it is trusted and `headerValue` carries
 * addresses. Non-recursive takes the rightmost address; recursive walks right-to-left past
 * trusted hops and takes the first untrusted one (or the leftmost when every hop is trusted).
 */
export function realClientAddress(
  peer: string | undefined, headerValue: string | undefined, trusted: TrustedIps, recursive: boolean,
): string | undefined {
  if (headerValue === undefined || headerValue === '' || !trusted.isTrusted(peer)) return peer;
  const parts = headerValue.split(',');
  let chosen = peer;
  for (let index = parts.length - 1; index >= 0; index -= 1) {
    const candidate = normalizeAddress(parts[index]!.trim());
    if (candidate === undefined || isIP(candidate) === 0) break;
    chosen = candidate;
    if (!recursive || !trusted.isTrusted(candidate)) break;
  }
  return chosen;
}
