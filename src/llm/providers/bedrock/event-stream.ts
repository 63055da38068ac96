// The AWS event-stream binary framing (`application/vnd.amazon.eventstream`) that Bedrock's
// ConverseStream answers with; Kong decodes it in kong/tools/aws_stream.lua. Each message:
//   prelude  = total length (u32 BE) | headers length (u32 BE) | CRC32 of those 8 bytes (u32 BE)
//   headers  = repeated: name length (u8) | name | value type (u8) | value
//   payload  = total - headers - 16 bytes
//   trailer  = CRC32 of everything before it (u32 BE)
// The decoder is incremental (messages may be split anywhere across network chunks) and
// bounded: a message larger than the limit is refused rather than buffered.

import { crc32 } from 'node:zlib';

export type EventStreamHeaderValue = boolean | number | bigint | string | Uint8Array | Date;

export type EventStreamMessage = {
  headers: Record<string, EventStreamHeaderValue>;
  payload: Buffer;
};

export class EventStreamError extends Error {
  override name = 'EventStreamError';
}

const PRELUDE_LENGTH = 12;
const MINIMUM_MESSAGE_LENGTH = 16;
/** AWS caps an event-stream message at 16 MiB and its headers at 128 KiB. */
export const MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
const MAX_HEADERS_LENGTH = 128 * 1024;

const TYPE = { TRUE: 0, FALSE: 1, BYTE: 2, SHORT: 3, INTEGER: 4, LONG: 5, BYTES: 6, STRING: 7, TIMESTAMP: 8, UUID: 9 } as const;

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function decodeHeaders(buffer: Buffer): Record<string, EventStreamHeaderValue> {
  const headers: Record<string, EventStreamHeaderValue> = {};
  let offset = 0;
  const need = (count: number) => {
    if (offset + count > buffer.length) throw new EventStreamError('truncated event-stream header');
  };
  while (offset < buffer.length) {
    need(1);
    const nameLength = buffer.readUInt8(offset);
    offset += 1;
    need(nameLength + 1);
    const name = buffer.toString('utf8', offset, offset + nameLength);
    offset += nameLength;
    const type = buffer.readUInt8(offset);
    offset += 1;
    let value: EventStreamHeaderValue;
    switch (type) {
      case TYPE.TRUE: value = true; break;
      case TYPE.FALSE: value = false; break;
      case TYPE.BYTE: need(1); value = buffer.readInt8(offset); offset += 1; break;
      case TYPE.SHORT: need(2); value = buffer.readInt16BE(offset); offset += 2; break;
      case TYPE.INTEGER: need(4); value = buffer.readInt32BE(offset); offset += 4; break;
      case TYPE.LONG: need(8); value = buffer.readBigInt64BE(offset); offset += 8; break;
      case TYPE.BYTES:
      case TYPE.STRING: {
        need(2);
        const length = buffer.readUInt16BE(offset);
        offset += 2;
        need(length);
        const raw = buffer.subarray(offset, offset + length);
        value = type === TYPE.STRING ? raw.toString('utf8') : new Uint8Array(raw);
        offset += length;
        break;
      }
      case TYPE.TIMESTAMP: need(8); value = new Date(Number(buffer.readBigInt64BE(offset))); offset += 8; break;
      case TYPE.UUID: need(16); value = formatUuid(buffer.subarray(offset, offset + 16)); offset += 16; break;
      default: throw new EventStreamError(`unknown event-stream header value type ${type}`);
    }
    headers[name] = value;
  }
  return headers;
}

/** Incremental decoder: feed network chunks, get whole, CRC-checked messages back. */
export class EventStreamDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly maxMessageLength: number;

  constructor(options: { maxMessageLength?: number } = {}) {
    this.maxMessageLength = options.maxMessageLength ?? MAX_MESSAGE_LENGTH;
  }

  push(chunk: Uint8Array): EventStreamMessage[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const messages: EventStreamMessage[] = [];
    let offset = 0;
    while (this.pending.length - offset >= PRELUDE_LENGTH) {
      const totalLength = this.pending.readUInt32BE(offset);
      const headersLength = this.pending.readUInt32BE(offset + 4);
      const preludeCrc = this.pending.readUInt32BE(offset + 8);
      if (crc32(this.pending.subarray(offset, offset + 8)) !== preludeCrc) {
        throw new EventStreamError('event-stream prelude checksum mismatch');
      }
      if (totalLength < MINIMUM_MESSAGE_LENGTH || totalLength > this.maxMessageLength) {
        throw new EventStreamError(`event-stream message length ${totalLength} out of bounds`);
      }
      if (headersLength > MAX_HEADERS_LENGTH || headersLength > totalLength - MINIMUM_MESSAGE_LENGTH) {
        throw new EventStreamError(`event-stream headers length ${headersLength} out of bounds`);
      }
      if (this.pending.length - offset < totalLength) break;
      const message = this.pending.subarray(offset, offset + totalLength);
      const messageCrc = message.readUInt32BE(totalLength - 4);
      if (crc32(message.subarray(0, totalLength - 4)) !== messageCrc) {
        throw new EventStreamError('event-stream message checksum mismatch');
      }
      const headers = decodeHeaders(message.subarray(PRELUDE_LENGTH, PRELUDE_LENGTH + headersLength));
      // Copy the payload so the caller does not pin the whole receive buffer.
      const payload = Buffer.from(message.subarray(PRELUDE_LENGTH + headersLength, totalLength - 4));
      messages.push({ headers, payload });
      offset += totalLength;
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return messages;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get bufferedLength(): number {
    return this.pending.length;
  }
}

function encodeHeader(name: string, value: EventStreamHeaderValue): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const head = Buffer.concat([Buffer.from([nameBytes.length]), nameBytes]);
  let body: Buffer;
  if (typeof value === 'boolean') {
    body = Buffer.from([value ? TYPE.TRUE : TYPE.FALSE]);
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    body = Buffer.alloc(3 + bytes.length);
    body.writeUInt8(TYPE.STRING, 0);
    body.writeUInt16BE(bytes.length, 1);
    bytes.copy(body, 3);
  } else if (typeof value === 'number') {
    body = Buffer.alloc(5);
    body.writeUInt8(TYPE.INTEGER, 0);
    body.writeInt32BE(value, 1);
  } else if (typeof value === 'bigint') {
    body = Buffer.alloc(9);
    body.writeUInt8(TYPE.LONG, 0);
    body.writeBigInt64BE(value, 1);
  } else if (value instanceof Date) {
    body = Buffer.alloc(9);
    body.writeUInt8(TYPE.TIMESTAMP, 0);
    body.writeBigInt64BE(BigInt(value.getTime()), 1);
  } else {
    body = Buffer.alloc(3 + value.length);
    body.writeUInt8(TYPE.BYTES, 0);
    body.writeUInt16BE(value.length, 1);
    Buffer.from(value).copy(body, 3);
  }
  return Buffer.concat([head, body]);
}

/** Encodes one message (mock Bedrock servers and fixtures use this). */
export function encodeEventStreamMessage(headers: Record<string, EventStreamHeaderValue>, payload: Uint8Array | string): Buffer {
  const headerBytes = Buffer.concat(Object.entries(headers).map(([n, v]) => encodeHeader(n, v)));
  const payloadBytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const total = MINIMUM_MESSAGE_LENGTH + headerBytes.length + payloadBytes.length;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, PRELUDE_LENGTH);
  payloadBytes.copy(out, PRELUDE_LENGTH + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** A Bedrock ConverseStream event as the service frames it. */
export function encodeBedrockEvent(eventType: string, body: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(body),
  );
}
