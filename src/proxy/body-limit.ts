// Request bodies towards undici. A body with Content-Length is the request stream itself
// (undici forwards the same length). A chunked body goes through an async iterable, which
// undici always sends chunked — so chunked stays chunked even when the whole body already
// arrived — and which counts bytes against client_max_body_size while streaming, so chunked
// framing cannot bypass the limit the Content-Length check enforces up front (Kong #12604
// class, security-and-reliability §5 B3).
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor() {
    super('request body exceeds client_max_body_size');
    this.name = 'BodyTooLargeError';
  }
}

async function* chunkedBody(req: IncomingMessage, limit: number): AsyncGenerator<Buffer> {
  let remaining = limit > 0 ? limit : Infinity;
  for await (const chunk of req) {
    remaining -= (chunk as Buffer).length;
    if (remaining < 0) throw new BodyTooLargeError();
    yield chunk as Buffer;
  }
}

export type UpstreamBody = IncomingMessage | AsyncIterable<Buffer>;

/** What to hand undici as the body: null without one, `req` with Content-Length, else a chunked iterable. */
export function upstreamBody(req: IncomingMessage, limit: number): UpstreamBody | null {
  const length = req.headers['content-length'];
  if (length !== undefined) return length === '0' ? null : req;
  if (req.headers['transfer-encoding'] === undefined) return null;
  return chunkedBody(req, limit);
}

/**
 * Kong's route.request_buffering (on by default: nginx reads the whole body before it contacts the
 * upstream, in memory up to client_body_buffer_size). A Content-Length body up to that size is
 * read first and sent as one Buffer, which undici writes with the head; larger and chunked bodies,
 * and routes with request_buffering off, stream as they arrive (Portico keeps no temp files). The
 * streamed way also cost a POST about 15 µs of GC: its per-request stream state outlived scavenges.
 */
export function shouldBufferBody(req: IncomingMessage, requestBuffering: boolean, bufferSize: number): boolean {
  if (!requestBuffering) return false;
  // No Content-Length reads as NaN: not buffered.
  const bytes = Number(req.headers['content-length']);
  return bytes > 0 && bytes <= bufferSize;
}

/**
 * Calls `start` with the whole body; a client gone mid-body (or a failed stream) leaves nobody to
 * answer. `start` runs outside the server's request guard, so its failure goes to `fail` (a throw
 * here would otherwise reject unhandled and end the worker).
 */
export function afterBody(res: ServerResponse, reading: Promise<Buffer>, start: (body: Buffer) => void, fail: (error: unknown) => void): void {
  reading.then((body) => {
    try {
      start(body);
    } catch (error) {
      fail(error);
    }
  }, () => { if (!res.destroyed) res.destroy(); });
}
