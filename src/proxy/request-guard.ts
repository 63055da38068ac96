// Checks on the request line and header block that node:http leaves to the application
// (security-and-reliability §2.1, §2.7, §2.8, §2.14). Each returns the status to answer with,
// or 0 when the request may proceed. Framing itself is llhttp's (strict mode, never relaxed).
import type { IncomingMessage } from 'node:http';
import type { Settings } from '../config/types.ts';

export type GuardSettings = Pick<Settings, 'max_uri_length' | 'max_request_headers' | 'client_max_body_size'>;

// Control bytes, path separators or `..` in Host make routing and the upstream disagree (§2.7).
const BAD_HOST = /[\x00-\x1f\x7f/\\]|\.\./;

/** Request line and URI: 505 for HTTP/0.9 and 2.0 over HTTP/1 framing, 414, 400. */
export function checkRequestTarget(req: IncomingMessage, limits: GuardSettings): number {
  // HTTP/2 arrives only through node:http2 (its compat request carries the stream), never as
  // an HTTP/1 request line claiming 2.0.
  if (req.httpVersionMajor !== 1 && !(req.httpVersionMajor === 2 && 'stream' in req)) return 505;
  const url = req.url ?? '';
  if (limits.max_uri_length > 0 && url.length > limits.max_uri_length) return 414;
  // Origin-form only: absolute-form (`GET http://evil/ HTTP/1.1`) and `*` would let the URI
  // authority and the Host header disagree, so they are refused (RFC 9112 §3.2.2 allows it).
  // `#`, backslashes, bad escapes and `..;` segments are refused by the router's normalizePath.
  if (url.charCodeAt(0) !== 47 /* / */) return 400;
  return 0;
}

/** Header block: count limit (431), duplicate Host/Authorization (400), bad Host, framing. */
export function checkHeaders(req: IncomingMessage, limits: GuardSettings): number {
  const raw = req.rawHeaders;
  // node:http silently drops header lines past maxHeadersCount; the server sets that to the
  // limit + 1 so a truncated block is still detected here (§2.1, last row).
  if (limits.max_request_headers > 0 && raw.length / 2 > limits.max_request_headers) return 431;
  let hosts = 0;
  let authorizations = 0;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts += 1;
    else if (name.length === 13 && name.toLowerCase() === 'authorization') authorizations += 1;
  }
  if (hosts > 1 || authorizations > 1) return 400;
  const host = req.headers.host;
  if (host !== undefined && BAD_HOST.test(host)) return 400;

  const te = req.headers['transfer-encoding'];
  if (te !== undefined) {
    // RFC 9112 §6.1: Transfer-Encoding on HTTP/1.0 means the framing is faulty.
    if (req.httpVersionMinor === 0) return 400;
    // Only `chunked` is implemented; `gzip, chunked` and friends are 501 (RFC 9112 §6.1).
    const codings = te.toLowerCase().split(',').map((coding) => coding.trim()).filter((coding) => coding !== '');
    if (codings.length !== 1 || codings[0] !== 'chunked') return 501;
  }

  const connection = req.headers.connection;
  if (connection !== undefined && connectionNamesFraming(connection)) return 400;

  const length = req.headers['content-length'];
  if (length !== undefined && limits.client_max_body_size > 0 && Number(length) > limits.client_max_body_size) return 413;
  return 0;
}

/**
 * Kong CVE-2026-6338: a client `Connection` naming a framing header must never change how the
 * body is framed; Portico refuses it outright instead of deleting the header.
 */
function connectionNamesFraming(value: string): boolean {
  const lower = value.toLowerCase();
  if (!lower.includes('content-length') && !lower.includes('transfer-encoding') && !lower.includes('host')) return false;
  for (const token of lower.split(',')) {
    const name = token.trim();
    if (name === 'content-length' || name === 'transfer-encoding' || name === 'host') return true;
  }
  return false;
}
