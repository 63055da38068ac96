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
import { ERROR_CONTENT_TYPES, errorFormatFor, renderError, type ErrorFormat } from '../pdk/index.ts';
import type { HeaderFlags } from './header-flags.ts';

export type ErrorMime = 'application/json' | 'text/html' | 'application/xml' | 'text/plain';

const JSON_TYPE = ERROR_CONTENT_TYPES.json;
// The templates and Kong's Accept negotiation live in the PDK (kong.response.error uses them
// too); the proxy names them by MIME type.
const MIME_OF: Record<ErrorFormat, ErrorMime> = {
  json: 'application/json', html: 'text/html', xml: 'application/xml', plain: 'text/plain',
};
const FORMAT_OF: Record<ErrorMime, ErrorFormat> = {
  'application/json': 'json', 'text/html': 'html', 'application/xml': 'xml', 'text/plain': 'plain',
};
const CONTENT_TYPES: Record<ErrorMime, string> = {
  'application/json': ERROR_CONTENT_TYPES.json,
  'text/html': ERROR_CONTENT_TYPES.html,
  'application/xml': ERROR_CONTENT_TYPES.xml,
  'text/plain': ERROR_CONTENT_TYPES.plain,
};

/** Kong's get_response_type: the first value with the strictly highest q (> 0) wins. */
export function negotiateErrorMime(accept: string | undefined): ErrorMime {
  return MIME_OF[errorFormatFor(accept)];
}

/** Content-Type of an error template. */
export function errorContentType(mime: ErrorMime): string {
  return CONTENT_TYPES[mime];
}

export function renderErrorBody(mime: ErrorMime, message: string, requestId: string): string {
  return renderError(FORMAT_OF[mime], message, requestId);
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
