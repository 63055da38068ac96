// Reads a whole request body into memory, for the plugins that need it (get_raw_body) and for
// Kong's request_buffering. Listeners rather than `for await`: the stream's async iterator costs a
// promise per chunk and its own state on every such request.
import type { IncomingMessage } from 'node:http';

export class RequestBodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
    this.name = 'RequestBodyTooLargeError';
  }
}

/**
 * The body once it has all arrived (one chunk is returned as is, no copy). Rejects when it grows
 * past `maxBytes` (0 = no limit), on a stream error, or when the client goes away first; the rest
 * of a body that is too large flows on unread (node:http discards it, or the answer closes the
 * connection), so the response can still be written.
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: Error | null): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error !== null) { reject(error); return; }
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (maxBytes > 0 && size > maxBytes) { done(new RequestBodyTooLargeError()); return; }
      chunks.push(chunk);
    };
    const onEnd = (): void => done(null);
    const onError = (error: Error): void => done(error);
    const onClose = (): void => done(new Error('the client closed the connection before the body was complete'));
    if (req.readableEnded) { done(null); return; }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
