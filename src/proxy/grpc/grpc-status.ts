// gRPC's view of gateway-generated answers (kong-core §4.5): a request that arrived as gRPC
// (HTTP/2 with an `application/grpc*` content type) gets its error as gRPC status metadata —
// HTTP 200, empty body, `grpc-status` / `grpc-message` in a trailers-only response — because a
// gRPC client reads the status from there, not from the HTTP status line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { HTTP_ERROR_MESSAGES } from '../../core/errors.ts';
import { SERVER_TOKEN } from '../../core/version.ts';
import type { GeneratedResponse } from '../error-response.ts';

/** gRPC status codes used by the gateway (grpc/doc/statuscodes.md). */
export const GRPC_STATUS = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13,
  UNAVAILABLE: 14, UNAUTHENTICATED: 16,
} as const;

// Kong's HTTP → grpc-status table (kong/pdk/response.lua); 502 follows gRPC's own HTTP mapping
// (an unreachable upstream is UNAVAILABLE to the client, as nginx's grpc_pass reports it).
const FROM_HTTP: Record<number, number> = {
  200: 0, 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 499: 1, 500: 13, 501: 12, 502: 14, 503: 14, 504: 4,
};

/** grpc-status for a gateway HTTP status; anything unmapped is UNKNOWN. */
export function grpcStatusFor(httpStatus: number): number {
  return FROM_HTTP[httpStatus] ?? GRPC_STATUS.UNKNOWN;
}

/** True for an HTTP/2 request from node:http2 (its compat request carries the stream). */
export function isHttp2Request(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 2 && 'stream' in req;
}

/** Kong's is_grpc_request: the content type names gRPC (grpc-web is bridged by its plugin). */
export function isGrpcContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().startsWith('application/grpc') && !contentType.toLowerCase().startsWith('application/grpc-web');
}

/** A request the gateway must answer in gRPC terms. */
export function isGrpcRequest(req: IncomingMessage): boolean {
  return isHttp2Request(req) && isGrpcContentType(req.headers['content-type']);
}

/** grpc-message is percent-encoded outside printable ASCII (gRPC over HTTP/2 spec). */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Message a gateway error carries (Kong's default reason when none is given). */
export function grpcMessageFor(httpStatus: number, message: string | undefined): string {
  return message ?? HTTP_ERROR_MESSAGES[httpStatus] ?? HTTP_ERROR_MESSAGES[500]!;
}

/**
 * A gateway-generated gRPC error: status 200, trailers-only (`grpc-status`, `grpc-message` in
 * the single header block), with Kong's Server / latency / request-id headers.
 */
export function sendGrpcError(res: ServerResponse, info: GeneratedResponse, grpcStatus: number, message: string): void {
  if (res.headersSent) {
    // The response is under way: the status can still go into the trailers.
    if (!res.writableEnded) {
      res.addTrailers({ 'grpc-status': String(grpcStatus), 'grpc-message': encodeGrpcMessage(message) });
      res.end();
    }
    return;
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/grpc',
    'grpc-status': String(grpcStatus),
    'grpc-message': encodeGrpcMessage(message),
  };
  if (info.flags.responseLatency) headers['x-kong-response-latency'] = Date.now() - info.startedAt;
  if (info.flags.server) headers.server = SERVER_TOKEN;
  if (info.flags.requestId) headers['x-kong-request-id'] = info.requestId;
  if (respondTrailersOnly(res, 200, headers)) return;
  res.writeHead(200, headers);
  res.end();
}

/**
 * A trailers-only gRPC answer: one HEADERS frame carrying END_STREAM. gRPC clients read the
 * status from a header block only when it ends the stream, so an HTTP/2 response must not be
 * split into headers plus an empty DATA frame (what the compat API's writeHead + end sends).
 * False when the client is not on HTTP/2 (the caller writes an ordinary response).
 */
export function respondTrailersOnly(res: ServerResponse, status: number, headers: Record<string, string | string[] | number | undefined>): boolean {
  const stream = (res as { stream?: ServerHttp2Stream }).stream;
  if (stream === undefined || stream.headersSent || stream.destroyed) return false;
  const block: OutgoingHttpHeaders = { ':status': status };
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) block[name.toLowerCase()] = value;
  stream.respond(block, { endStream: true });
  return true;
}

/** The gRPC form of `kong.response.error(status, message)` / an nginx error page. */
export function sendGrpcHttpError(res: ServerResponse, info: GeneratedResponse, httpStatus: number, message?: string): void {
  sendGrpcError(res, info, grpcStatusFor(httpStatus), grpcMessageFor(httpStatus, message));
}

/** Services proxied with grpc_pass rather than proxy_pass. */
export function isGrpcService(service: { protocol: string }): boolean {
  return service.protocol === 'grpc' || service.protocol === 'grpcs';
}
