// Bodies of kong.response.error (kong-core §4.5, kong/pdk/response.lua + kong/tools/http.lua):
// the content type comes from the request's Accept header only (highest q wins, first on ties,
// JSON by default) and the message is inserted verbatim into Kong's templates with request_id.
import { HTTP_ERROR_MESSAGES } from '../core/errors.ts';

/**
 * The four error templates of kong/tools/http.lua.
 * @example
 * const format: ErrorFormat = errorFormatFor(accept);
 */
export type ErrorFormat = 'json' | 'html' | 'xml' | 'plain';

/**
 * Content-Type of each error template.
 * @example
 * ERROR_CONTENT_TYPES.plain; // 'text/plain; charset=utf-8'
 */
export const ERROR_CONTENT_TYPES: Record<ErrorFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  plain: 'text/plain; charset=utf-8',
};

// Kong's MIME_TYPES table: exact media types (case-sensitive, as Kong indexes a Lua table) plus
// the `type/*` wildcards `application` and `text`.
const MEDIA_TYPES = new Map<string, ErrorFormat>([
  ['application/json', 'json'],
  ['text/html', 'html'],
  ['application/xml', 'xml'],
  ['text/plain', 'plain'],
  ['application', 'json'],
  ['text', 'plain'],
]);

// Kong's Accept pattern (anchored, case-insensitive): a media range, then q or other parameters.
const ACCEPT_VALUE = /^((?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*)\/(?:[a-z0-9][a-z0-9\-!#$&^_+.]+|\*))(?:\s*;\s*q=(1(?:\.0{0,3}|)|0(?:\.\d{0,3}|))|\s*;\s*[a-z0-9][a-z0-9\-!#$&^_+.]+(?:=[^;]*|))*/i;

/** Kong's get_mime_type: `*` / `*` and unknown types fall back to JSON. */
function formatOfMediaType(mediaType: string): ErrorFormat {
  const base = mediaType.split(';')[0]!.trim();
  const slash = base.indexOf('/');
  if (slash === -1) return 'json';
  const type = base.slice(0, slash);
  const subtype = base.slice(slash + 1);
  if (subtype === '*') return type === '*' ? 'json' : (MEDIA_TYPES.get(type) ?? 'json');
  return MEDIA_TYPES.get(base) ?? 'json';
}

/**
 * Picks the error template from an Accept header as Kong's get_response_type does: the first
 * value with the strictly highest q (> 0) wins; JSON by default.
 * @example
 * errorFormatFor('text/html;q=0.5, application/xml'); // 'xml'
 */
export function errorFormatFor(accept: string | undefined): ErrorFormat {
  if (accept === undefined) return 'json';
  let best: ErrorFormat = 'json';
  let bestQuality = 0;
  for (const part of accept.split(',')) {
    const match = ACCEPT_VALUE.exec(part.trim());
    if (match === null) continue;
    const quality = match[2] === undefined ? 1 : Number(match[2]);
    if (quality > bestQuality) {
      bestQuality = quality;
      best = formatOfMediaType(match[1]!);
    }
  }
  return best;
}

/**
 * Renders Kong's error template.
 * @example
 * renderError('json', 'Unauthorized', 'abc'); // '{\n  "message":"Unauthorized",\n  "request_id":"abc"\n}'
 */
export function renderError(format: ErrorFormat, message: string, requestId: string): string {
  if (format === 'html') {
    return `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${requestId}</p>\n  </body>\n</html>\n`;
  }
  if (format === 'xml') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${message}</message>\n  <requestid>${requestId}</requestid>\n</error>\n`;
  }
  if (format === 'plain') return `${message}\nrequest_id: ${requestId}\n`;
  return `{\n  "message":"${message}",\n  "request_id":"${requestId}"\n}`;
}

/**
 * The default message of kong.response.error(status) without a message.
 * @example
 * defaultErrorMessage(401); // 'Unauthorized'
 * defaultErrorMessage(499); // 'The upstream server responded with 499'
 */
export function defaultErrorMessage(status: number): string {
  return HTTP_ERROR_MESSAGES[status] ?? `The upstream server responded with ${status}`;
}

// kong/pdk/response.lua: HTTP status → grpc-status for errors on gRPC requests (others: 2 UNKNOWN).
const GRPC_STATUS: Record<number, number> = {
  200: 0, 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 499: 1, 500: 13, 501: 12, 503: 14, 504: 4,
};

/**
 * The grpc-status Kong answers a gRPC request's error with.
 * @example
 * grpcStatusFor(401); // 16 (UNAUTHENTICATED)
 */
export function grpcStatusFor(status: number): number {
  return GRPC_STATUS[status] ?? 2;
}
