// client_max_body_size for bodies without Content-Length (chunked): counted while streaming,
// so a chunked upload cannot bypass the limit the Content-Length check enforces up front
// (Kong issue #12604 class, security-and-reliability §5 B3).
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor() {
    super('request body exceeds client_max_body_size');
    this.name = 'BodyTooLargeError';
  }
}

class LimitedBody extends Transform {
  private remaining: number;

  constructor(limit: number) {
    super();
    this.remaining = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.remaining -= chunk.length;
    if (this.remaining < 0) { callback(new BodyTooLargeError()); return; }
    callback(null, chunk);
  }
}

/** `req` itself when no counting is needed, else a pass-through that fails past `limit` bytes. */
export function limitedBody(req: IncomingMessage, limit: number): Readable {
  if (limit <= 0 || req.headers['content-length'] !== undefined) return req;
  const limited = new LimitedBody(limit);
  req.on('error', (error) => limited.destroy(error));
  return req.pipe(limited);
}

/** Whether the request carries a body at all (Content-Length > 0 or chunked framing). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
