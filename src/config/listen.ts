// Listen directives (`proxy_listen`, `admin_listen`, …): a comma-separated list of
// `<ip>:<port> [flag…]`, or `off`. Flags and their spelling follow Kong's parse_listeners
// (kong/conf_loader/listeners.lua); `deferred`, `bind` and `so_keepalive` are accepted for
// compatibility but have no Node.js equivalent.
import { isIP } from 'node:net';
import type { ListenAddress } from './types.ts';
import { invalidValue } from './errors.ts';

const FORM = '[off] | <ip>:<port> [ssl] [http2] [proxy_protocol] [deferred] [bind] [reuseport] '
  + '[backlog=%d+] [ipv6only=on] [ipv6only=off] [so_keepalive=on] [so_keepalive=off] '
  + '[so_keepalive=%w*:%w*:%d*], [... next entry ...]';

const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function parseHostPort(name: string, token: string): { host: string; port: number } {
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(token);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2]!;
    if (isIP(host) !== 6) throw invalidValue(name, `'${token}' has an invalid IPv6 address`);
  } else {
    const colon = token.lastIndexOf(':');
    if (colon <= 0) throw invalidValue(name, `'${token}' must be of form: ${FORM}`);
    host = token.slice(0, colon);
    portText = token.slice(colon + 1);
    // nginx's `*:8000` means every IPv4 address.
    if (host === '*') host = '0.0.0.0';
    if (isIP(host) !== 4 && !HOSTNAME_RE.test(host)) {
      throw invalidValue(name, `'${token}' has an invalid address (IPv6 addresses need brackets: [::1]:8000)`);
    }
  }
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw invalidValue(name, `'${token}' has an invalid port (expected 0-65535)`);
  }
  return { host, port: Number(portText) };
}

function parseEntry(name: string, entry: string): ListenAddress {
  const [address, ...flags] = entry.split(/\s+/);
  const listen: ListenAddress = {
    ...parseHostPort(name, address!),
    ssl: false, http2: false, proxy_protocol: false, reuseport: false, backlog: null, ipv6only: null,
  };
  for (const flag of flags) {
    if (flag === 'ssl') listen.ssl = true;
    else if (flag === 'http2') listen.http2 = true;
    else if (flag === 'proxy_protocol') listen.proxy_protocol = true;
    else if (flag === 'reuseport') listen.reuseport = true;
    else if (flag === 'deferred' || flag === 'bind') continue;
    else if (flag.startsWith('backlog=') && /^\d+$/.test(flag.slice(8))) listen.backlog = Number(flag.slice(8));
    else if (flag === 'ipv6only=on' || flag === 'ipv6only=off') listen.ipv6only = flag === 'ipv6only=on';
    else if (/^so_keepalive=(on|off|\w*:\w*:\d*)$/.test(flag)) continue;
    else throw invalidValue(name, `unknown flag '${flag}' in '${entry}'; must be of form: ${FORM}`);
  }
  return listen;
}

/** Parses a listen property; `off` (alone) disables the listener and yields []. */
export function parseListen(name: string, value: string): ListenAddress[] {
  const entries = value.split(',').map((item) => item.trim());
  if (entries.length === 1 && entries[0] === 'off') return [];
  if (entries.some((item) => item === '')) throw invalidValue(name, `empty entry in '${value}'`);
  return entries.map((entry) => {
    if (entry === 'off') throw invalidValue(name, `'off' cannot be combined with other entries`);
    return parseEntry(name, entry);
  });
}

/**
 * Kong's `*_listeners` display objects (GET / configuration): the named flags as booleans, plus
 * one `true` key per parameterised flag as written (`"backlog=16384": true`), as parse_listeners does.
 */
export function listenerForDisplay(listen: ListenAddress, entry: string): Record<string, unknown> {
  const display: Record<string, unknown> = {
    ip: listen.host, port: listen.port, ssl: false, http2: false, proxy_protocol: false,
    deferred: false, bind: false, reuseport: false,
  };
  for (const flag of entry.split(/\s+/).slice(1)) display[flag] = true;
  display.listener = entry;
  return display;
}
