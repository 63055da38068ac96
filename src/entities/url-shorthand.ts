// Service `url` shorthand (services.lua shorthand_fields): parsed the way LuaSocket's
// `url.parse` does — scheme only when followed by `:`, authority only after `//`, the rest is
// the path — so Kong's odd results (e.g. `invalid url` → a path without a host) carry over.

export interface ParsedUrl {
  scheme: string | null;
  host: string | null;
  port: string | null;
  path: string | null;
}

export function parseLuaSocketUrl(url: string): ParsedUrl {
  let rest = url;
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  let scheme: string | null = null;
  const schemeMatch = /^([A-Za-z0-9][A-Za-z0-9+\-.]*):/.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1]!.toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  }
  let host: string | null = null;
  let port: string | null = null;
  const authority = /^\/\/([^/]*)/.exec(rest);
  if (authority) {
    rest = rest.slice(authority[0].length);
    let hostPart = authority[1]!;
    const at = hostPart.lastIndexOf('@');
    if (at !== -1) hostPart = hostPart.slice(at + 1);
    const portMatch = /:([^:\]]*)$/.exec(hostPart);
    if (portMatch) {
      port = portMatch[1] === '' ? null : portMatch[1]!;
      hostPart = hostPart.slice(0, portMatch.index);
    }
    host = hostPart === '' ? null : hostPart;
  }
  const query = rest.indexOf('?');
  if (query !== -1) rest = rest.slice(0, query);
  const params = rest.indexOf(';');
  if (params !== -1) rest = rest.slice(0, params);
  return { scheme, host, port, path: rest === '' ? null : rest };
}

/** Kong's expansion: protocol from scheme (or inferred from 443/80), port defaulted by scheme. */
export function expandServiceUrl(url: string | null): Record<string, unknown> {
  if (url === null) return {};
  const parsed = parseLuaSocketUrl(url);
  const explicitPort = parsed.port !== null && /^\d+$/.test(parsed.port) ? Number(parsed.port) : null;
  const protocol = parsed.scheme ?? (explicitPort === 443 ? 'https' : 'http');
  const port = explicitPort ?? (protocol === 'https' ? 443 : 80);
  return { protocol, host: parsed.host, port, path: parsed.path };
}
