// gRPC length-prefixed messages (gRPC over HTTP/2 spec): 1 flag byte (bit 0: compressed; for
// grpc-web bit 7 marks a trailer frame), 4-byte big-endian length, then the message.
export interface GrpcFrame {
  flags: number;
  payload: Buffer;
}

export function encodeGrpcFrame(payload: Buffer, flags = 0): Buffer {
  const head = Buffer.allocUnsafe(5);
  head[0] = flags;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** Splits a byte stream into frames as it arrives; partial frames wait for more bytes. */
export class GrpcFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): GrpcFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: GrpcFrame[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) break;
      frames.push({ flags: this.pending[0]!, payload: this.pending.subarray(5, 5 + length) });
      this.pending = this.pending.subarray(5 + length);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting. */
  get buffered(): number {
    return this.pending.length;
  }
}
