// HTTP/2 requests through the HTTP/1-shaped proxy and admin flows. node:http2's compat objects
// carry pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) in `headers`/`rawHeaders`;
// nginx never shows them to Kong: `:authority` becomes the Host (kong-core §3.2) and the rest
// stay out of what plugins read and what goes upstream. Responses must not carry HTTP/1
// connection-specific headers (RFC 9113 §8.2.2; node:http2 throws on them), so those are dropped
// here — Kong's `Connection: close` on an error page means nothing on a multiplexed connection.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Rewrites the request's header views in place (own properties shadow the compat getters). */
export function adaptHttp2Request(req: Http2ServerRequest): void {
  const original = req.headers;
  const headers: IncomingHttpHeaders = {};
  const distinct: Record<string, string[]> = {};
  const raw: string[] = [];
  const authority = original[':authority'];
  if (original.host === undefined && typeof authority === 'string') {
    headers.host = authority;
    distinct.host = [authority];
    raw.push('host', authority);
  }
  const source = req.rawHeaders;
  for (let index = 0; index < source.length; index += 2) {
    const name = source[index]!;
    if (name.charCodeAt(0) === 58 /* : */) continue;
    const value = source[index + 1]!;
    raw.push(name, value);
    (distinct[name] ??= []).push(value);
  }
  for (const name of Object.keys(original)) {
    if (name.charCodeAt(0) !== 58) headers[name] = original[name] as string | string[] | undefined;
  }
  define(req, 'headers', headers);
  define(req, 'rawHeaders', raw);
  define(req, 'headersDistinct', distinct);
}

/** Drops connection-specific headers from what the flows write on an HTTP/2 response. */
export function adaptHttp2Response(res: Http2ServerResponse): void {
  const writeHead = res.writeHead.bind(res);
  const setHeader = res.setHeader.bind(res);
  define(res, 'setHeader', (name: string, value: number | string | readonly string[]) => {
    if (CONNECTION_SPECIFIC.has(name.toLowerCase())) return res;
    return setHeader(name, value);
  });
  define(res, 'writeHead', (status: number, reasonOrHeaders?: string | OutgoingHttpHeaders | unknown[], maybeHeaders?: OutgoingHttpHeaders | unknown[]) => {
    const headers = typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders;
    // The reason phrase does not exist in HTTP/2 (node:http2 warns about it); it is dropped.
    return writeHead(status, withoutConnectionHeaders(headers) as OutgoingHttpHeaders);
  });
}

function withoutConnectionHeaders(headers: OutgoingHttpHeaders | unknown[] | undefined): OutgoingHttpHeaders | undefined {
  if (headers === undefined) return undefined;
  const out: OutgoingHttpHeaders = {};
  if (Array.isArray(headers)) {
    // Flat [name, value, …] form of writeHead.
    for (let index = 0; index < headers.length; index += 2) {
      const name = String(headers[index]);
      if (CONNECTION_SPECIFIC.has(name.toLowerCase())) continue;
      const lower = name.toLowerCase();
      const value = headers[index + 1] as string;
      const existing = out[lower];
      out[lower] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [String(existing), value];
    }
    return out;
  }
  for (const name of Object.keys(headers)) {
    if (!CONNECTION_SPECIFIC.has(name.toLowerCase())) out[name] = headers[name];
  }
  return out;
}

function define(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: true });
}
