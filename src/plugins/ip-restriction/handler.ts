// ip-restriction — kong/plugins/ip-restriction/handler.lua: the client address (after trusted
// real-IP processing, nginx $remote_addr) is checked against deny first, then allow (when set).
// Lists are compiled once per config version into node:net BlockLists (IPv4 and IPv6 CIDRs).
import { KONG_VERSION } from '../../core/version.ts';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { definePlugin, type ConfOf } from '../../pdk/index.ts';
import { ipRestrictionSchema } from './schema.ts';

type IpRestrictionConf = ConfOf<typeof ipRestrictionSchema>;

/** One allow/deny list; null when not configured or empty (Kong's is_empty). */
export function compileAddressList(entries: readonly string[] | null): BlockList | null {
  if (entries === null || entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** Whether `ip` is in `list`; IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) count as IPv4. */
export function addressIn(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  if (isIPv4(address)) return list.check(address, 'ipv4');
  if (isIPv6(address)) return list.check(address, 'ipv6');
  return false;
}

interface PreparedIpRestriction { allow: BlockList | null; deny: BlockList | null; status: number; message: string | null }

export const plugin = definePlugin({
  name: 'ip-restriction',
  version: KONG_VERSION,
  priority: 990,
  schema: ipRestrictionSchema,
  prepare(conf: IpRestrictionConf): PreparedIpRestriction {
    return { allow: compileAddressList(conf.allow), deny: compileAddressList(conf.deny), status: conf.status ?? 403, message: conf.message };
  },
  access(kong, conf) {
    const ip = kong.client.get_forwarded_ip();
    if (!isIPv4(ip) && !isIPv6(ip) && !/^::ffff:/i.test(ip)) {
      return kong.response.error(403, 'Cannot identify the client IP address, unix domain sockets are not supported.');
    }
    const rejected = (conf.deny !== null && addressIn(conf.deny, ip)) || (conf.allow !== null && !addressIn(conf.allow, ip));
    if (rejected) kong.response.error(conf.status, conf.message ?? `IP address not allowed: ${ip}`);
  },
});
