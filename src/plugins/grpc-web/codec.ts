// The grpc-web wire forms (grpc/grpc-web PROTOCOL-WEB.md) as Kong's grpc-web decoder accepts
// them: which content types are binary or base64 ("-text"), and the trailer frame (flag 0x80,
// `name:value\r\n` lines) that carries grpc-status/grpc-message inside the body.

export interface WebMode {
  /** The client's content type, echoed on the response. */
  mimetype: string;
  /** `-text` variants: base64 in both directions. */
  text: boolean;
  /** JSON message encoding (needs the .proto to transcode). */
  json: boolean;
}

// Kong's text_encoding_from_mime / msg_encoding_from_mime tables (exact content types).
const MODES: Record<string, Omit<WebMode, 'mimetype'>> = {
  'application/grpc-web': { text: false, json: false },
  'application/grpc-web+proto': { text: false, json: false },
  'application/grpc-web-text': { text: true, json: false },
  'application/grpc-web-text+proto': { text: true, json: false },
  'application/grpc-web+json': { text: false, json: true },
  'application/grpc-web-text+json': { text: true, json: true },
  'application/json': { text: false, json: true },
};

export function webModeOf(contentType: string | undefined): WebMode | null {
  if (contentType === undefined) return null;
  const mode = MODES[contentType];
  return mode === undefined ? null : { mimetype: contentType, ...mode };
}

/** The trailer frame grpc-web appends after the last message. */
export function trailerFrame(status: string, message: string): Buffer {
  const text = Buffer.from(`grpc-status:${status}\r\ngrpc-message:${message}\r\n`);
  const head = Buffer.allocUnsafe(5);
  head[0] = 0x80;
  head.writeUInt32BE(text.length, 1);
  return Buffer.concat([head, text]);
}

/**
 * Base64 over a chunked body: bytes are encoded in groups of three so the concatenated output is
 * one valid base64 text whatever the chunk boundaries; the remainder waits for the next chunk.
 */
export class Base64Stream {
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, eof: boolean): Buffer {
    const all = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const whole = eof ? all.length : all.length - (all.length % 3);
    this.carry = all.subarray(whole);
    return Buffer.from(all.subarray(0, whole).toString('base64'));
  }
}
