// The two producers of gateway-generated error bodies (kong-core spec §4.5):
//  * `kong.response.error` (kong/pdk/response.lua): content type from `Accept` only, JSON default;
//  * nginx `error_page` → kong/error_handlers.lua: `Accept`, else the request `Content-Type`,
//    else `error_default_type` (text/plain by default); 494 is answered as 400.
// Both render Kong's templates from kong/tools/http.lua with the message and the request id.
// `kong.response.exit` with a table body (used for 426, 503 no-service, balancer failures) is
// plain JSON without request_id.
import type { ServerResponse } from 'node:http';
import { HTTP_ERROR_MESSAGES } from '../core/errors.ts';
import { SERVER_TOKEN } from '../core/version.ts';
import type { HeaderFlags } from './header-flags.ts';

export type ErrorMime = 'application/json' | 'text/html' | 'application/xml' | 'text/plain';

const JSON_TYPE = 'application/json; charset=utf-8';
const CONTENT_TYPES: Record<ErrorMime, string> = {
  'application/json': JSON_TYPE,
  'text/html': 'text/html; charset=utf-8',
  'application/xml': 'application/xml; charset=utf-8',
  'text/plain': 'text/plain; charset=utf-8',
};

// Kong's MIME_TYPES table: exact media types plus the `type/*` wildcards `application` and `text`.
const MEDIA_TYPES = new Map<string, ErrorMime>([
  ['application/json', 'application/json'],
  ['text/html', 'text/html'],
  ['application/xml', 'application/xml'],
  ['text/plain', 'text/plain'],
  ['application', 'application/json'],
  ['text', 'text/plain'],
]);

// Kong's Accept pattern (anchored, case-insensitive): a media range, then q or other parameters.
const ACCEPT_VALUE = /^((?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*)\/(?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*))(?:\s*;\s*q=(1(?:\.0{0,3}|)|0(?:\.\d{0,3}|))|\s*;\s*[a-z0-9][a-z0-9\-!#$&^_+.]+(?:=[^;]*|))*/i;

/** Kong's get_mime_type: `*` / `*` and unknown types fall back to JSON. */
function mimeOf(mediaType: string): ErrorMime {
  const base = mediaType.split(';')[0]!.trim();
  const slash = base.indexOf('/');
  if (slash === -1) return 'application/json';
  const type = base.slice(0, slash);
  const subtype = base.slice(slash + 1);
  if (subtype === '*') return type === '*' ? 'application/json' : (MEDIA_TYPES.get(type) ?? 'application/json');
  return MEDIA_TYPES.get(base) ?? 'application/json';
}

/** Kong's get_response_type: the first value with the strictly highest q (> 0) wins. */
export function negotiateErrorMime(accept: string | undefined): ErrorMime {
  if (accept === undefined) return 'application/json';
  let best: ErrorMime = 'application/json';
  let bestQuality = 0;
  for (const part of accept.split(',')) {
    const match = ACCEPT_VALUE.exec(part.trim());
    if (match === null) continue;
    const quality = match[2] === undefined ? 1 : Number(match[2]);
    if (quality > bestQuality) {
      bestQuality = quality;
      best = mimeOf(match[1]!);
    }
  }
  return best;
}

export function renderErrorBody(mime: ErrorMime, message: string, requestId: string): string {
  switch (mime) {
    case 'text/html':
      return `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${requestId}</p>\n  </body>\n</html>\n`;
    case 'application/xml':
      return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${message}</message>\n  <requestid>${requestId}</requestid>\n</error>\n`;
    case 'text/plain':
      return `${message}\nrequest_id: ${requestId}\n`;
    default:
      return `{\n  "message":"${message}",\n  "request_id":"${requestId}"\n}`;
  }
}

/** Message of an nginx-generated error page (kong/error_handlers.lua BODIES). */
export function nginxErrorMessage(status: number): string {
  if (status === 494) return 'Request header or cookie too large';
  return HTTP_ERROR_MESSAGES[status] ?? HTTP_ERROR_MESSAGES[500]!;
}

/** What a Kong-generated response needs besides its body. */
export interface GeneratedResponse {
  flags: HeaderFlags;
  requestId: string;
  /** Epoch ms the request started, for X-Kong-Response-Latency. */
  startedAt: number;
}

function writeGenerated(
  res: ServerResponse, info: GeneratedResponse, status: number, contentType: string | null, body: string,
  extra: Record<string, string> | null, close: boolean,
): void {
  if (res.headersSent) { res.destroy(); return; }
  const headers: Record<string, string | number> = {};
  if (contentType !== null) headers['Content-Type'] = contentType;
  headers['Content-Length'] = Buffer.byteLength(body);
  if (extra !== null) Object.assign(headers, extra);
  if (info.flags.responseLatency) headers['X-Kong-Response-Latency'] = Date.now() - info.startedAt;
  if (info.flags.server) headers.Server = SERVER_TOKEN;
  if (info.flags.requestId) headers['X-Kong-Request-Id'] = info.requestId;
  if (close) headers.Connection = 'close';
  res.writeHead(status === 494 ? 400 : status, headers);
  // node:http drops the body of HEAD responses itself; Content-Length still describes it, as nginx does.
  res.end(body);
}

/** `kong.response.error(status, message)`. */
export function sendKongError(
  res: ServerResponse, info: GeneratedResponse, accept: string | undefined, status: number,
  message?: string, extra: Record<string, string> | null = null,
): void {
  const mime = negotiateErrorMime(accept);
  const text = message ?? HTTP_ERROR_MESSAGES[status] ?? HTTP_ERROR_MESSAGES[500]!;
  writeGenerated(res, info, status, CONTENT_TYPES[mime], renderErrorBody(mime, text, info.requestId), extra, false);
}

/** An nginx error page served through Kong's error handler. */
export function sendNginxError(
  res: ServerResponse, info: GeneratedResponse, accept: string | undefined, contentType: string | undefined,
  defaultType: string, status: number, close = false,
): void {
  const mime = negotiateErrorMime(accept ?? contentType ?? defaultType);
  const body = renderErrorBody(mime, nginxErrorMessage(status), info.requestId);
  writeGenerated(res, info, status, CONTENT_TYPES[mime], body, null, close);
}

/** `kong.response.exit(status, { message })`, or an empty body when `message` is null. */
export function sendKongExit(
  res: ServerResponse, info: GeneratedResponse, status: number, message: string | null,
  extra: Record<string, string> | null = null,
): void {
  if (message === null) {
    writeGenerated(res, info, status, null, '', extra, false);
    return;
  }
  writeGenerated(res, info, status, JSON_TYPE, JSON.stringify({ message }), extra, false);
}

/**
 * The error page for a request node:http rejected before any handler ran (parse errors, limits,
 * timeouts): written raw on the socket since no ServerResponse exists. Headers were not parsed,
 * so the type is `error_default_type`.
 */
export function rawErrorResponse(status: number, reason: string, flags: HeaderFlags, requestId: string, defaultType: string): string {
  const mime = negotiateErrorMime(defaultType);
  const body = renderErrorBody(mime, nginxErrorMessage(status), requestId);
  let head = `HTTP/1.1 ${status === 494 ? 400 : status} ${reason}\r\nContent-Type: ${CONTENT_TYPES[mime]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n`;
  if (flags.server) head += `Server: ${SERVER_TOKEN}\r\n`;
  if (flags.requestId) head += `X-Kong-Request-Id: ${requestId}\r\n`;
  return `${head}\r\n${body}`;
}
