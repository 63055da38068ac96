// Choosing where one try goes (Kong's balancer phase): a service host naming an upstream uses
// that upstream's balancer; anything else is resolved directly (IP literal or DNS name).
import { BalancerError, hashValueFor, resolvePeer, type HashRequest, type Peer } from './balancer/index.ts';
import { hashCookieHeader } from './balancer/hash-value.ts';
import type { ProxyContext } from './context.ts';
import type { UpstreamEntry } from './snapshot.ts';

export { BalancerError };

/** The upstream entry a service host names, or undefined for a plain host. */
export function upstreamFor(ctx: ProxyContext): UpstreamEntry | undefined {
  const changes = ctx.plugins?.ctx.upstream;
  if (changes !== undefined) {
    // kong.service.set_upstream balances over a named upstream; set_target bypasses balancers.
    if (changes.upstreamName !== null) return ctx.snapshot.upstreams.get(changes.upstreamName);
    if (changes.targetHost !== null) return undefined;
  }
  return ctx.service === null ? undefined : ctx.snapshot.upstreams.get(ctx.service.host);
}

function hashRequest(ctx: ProxyContext): HashRequest {
  const req = ctx.req;
  let query: URLSearchParams | null = null;
  return {
    remoteAddr: ctx.clientAddress ?? '',
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    cookie: (name) => cookieValue(req.headers.cookie, name),
    path: ctx.path,
    queryArg: (name) => {
      query ??= new URLSearchParams(ctx.query.slice(1));
      const values = query.getAll(name);
      if (values.length === 0) return undefined;
      const mapped = values.map((value) => (value === '' ? true : value));
      return mapped.length === 1 ? mapped[0] : mapped;
    },
    uriCapture: (name) => {
      const captures = ctx.match?.captures;
      if (!captures) return undefined;
      const index = Number(name);
      return Number.isInteger(index) ? captures.unnamed[index] : captures.named[name];
    },
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** pickPeer with its two outcomes as callbacks (synchronous when the pick is). */
export function choosePeer(
  ctx: ProxyContext, tried: readonly Peer[], entry: UpstreamEntry | undefined, onPeer: (peer: Peer) => void, onError: (error: unknown) => void,
): void {
  let picked: Peer | Promise<Peer>;
  try {
    picked = pickPeer(ctx, tried, entry);
  } catch (error) {
    onError(error);
    return;
  }
  if (picked instanceof Promise) picked.then(onPeer, onError);
  else onPeer(picked);
}

/**
 * Peer for the next try. Synchronous whenever nothing needs resolving; throws/rejects
 * BalancerError. `setCookie` receives the hash cookie Kong sends back when it minted one.
 */
export function pickPeer(ctx: ProxyContext, tried: readonly Peer[], entry: UpstreamEntry | undefined): Peer | Promise<Peer> {
  const service = ctx.service!;
  if (entry === undefined) {
    const changes = ctx.plugins?.ctx.upstream;
    if (changes !== undefined && changes.targetHost !== null) return resolvePeer(changes.targetHost, changes.targetPort ?? service.port, ctx.snapshot.resolver);
    return resolvePeer(service.host, service.port, ctx.snapshot.resolver);
  }
  let hashInput: string | undefined;
  if (entry.upstream.algorithm === 'consistent-hashing') {
    const hash = hashValueFor(entry.upstream, hashRequest(ctx));
    hashInput = hash.value;
    if (hash.setCookie !== undefined) ctx.setCookie = hashCookieHeader(hash.setCookie);
  }
  return entry.balancer.pick(tried, hashInput);
}
