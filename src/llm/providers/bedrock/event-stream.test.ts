import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { EventStreamDecoder, EventStreamError, encodeBedrockEvent, encodeEventStreamMessage } from './event-stream.ts';

// The empty message from AWS's event-stream test vectors: 16 bytes, no headers, no payload.
const EMPTY_MESSAGE = Buffer.from('000000100000000005c248eb7d98c8ff', 'hex');

/** Frames headers + payload by hand (independently of the encoder under test). */
function frame(headerBytes: Buffer, payload: Buffer): Buffer {
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(16 + headerBytes.length + payload.length, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const body = Buffer.concat([prelude, headerBytes, payload]);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(crc32(body));
  return Buffer.concat([body, trailer]);
}

test('decodes the published empty-message vector and encodes it identically', () => {
  const messages = new EventStreamDecoder().push(EMPTY_MESSAGE);
  assert.equal(messages.length, 1);
  assert.deepEqual(messages[0].headers, {});
  assert.equal(messages[0].payload.length, 0);
  assert.deepEqual(encodeEventStreamMessage({}, ''), EMPTY_MESSAGE);
});

test('decodes every header value type from hand-laid bytes', () => {
  const header = (name: string, type: number, value: number[]) => [name.length, ...Buffer.from(name), type, ...value];
  const headerBytes = Buffer.from([
    ...header('t', 0, []),
    ...header('f', 1, []),
    ...header('b', 2, [0xff]),
    ...header('s', 3, [0x80, 0x00]),
    ...header('i', 4, [0x00, 0x01, 0x00, 0x00]),
    ...header('l', 5, [0, 0, 0, 1, 0, 0, 0, 0]),
    ...header('y', 6, [0x00, 0x02, 0xca, 0xfe]),
    ...header('str', 7, [0x00, 0x02, 0x68, 0x69]),
    ...header('ts', 8, [0, 0, 0x01, 0x4f, 0x7d, 0x6f, 0x50, 0x00]),
    ...header('u', 9, [...Buffer.from('0123456789abcdef0123456789abcdef', 'hex')]),
  ]);
  const payload = Buffer.from('{"ok":1}');
  const [message] = new EventStreamDecoder().push(frame(headerBytes, payload));
  assert.equal(message.headers.t, true);
  assert.equal(message.headers.f, false);
  assert.equal(message.headers.b, -1);
  assert.equal(message.headers.s, -32768);
  assert.equal(message.headers.i, 65536);
  assert.equal(message.headers.l, 4294967296n);
  assert.deepEqual(message.headers.y, new Uint8Array([0xca, 0xfe]));
  assert.equal(message.headers.str, 'hi');
  assert.deepEqual(message.headers.ts, new Date(0x014f7d6f5000));
  assert.equal(message.headers.u, '01234567-89ab-cdef-0123-456789abcdef');
  assert.equal(message.payload.toString(), '{"ok":1}');
});

test('reassembles messages split at every byte boundary', () => {
  const stream = Buffer.concat([
    encodeBedrockEvent('messageStart', { role: 'assistant' }),
    encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'héllo' } }),
    encodeBedrockEvent('messageStop', { stopReason: 'end_turn' }),
  ]);
  for (let cut = 1; cut < stream.length; cut += 7) {
    const decoder = new EventStreamDecoder();
    const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
    assert.deepEqual(out.map((m) => m.headers[':event-type']), ['messageStart', 'contentBlockDelta', 'messageStop']);
    assert.equal(JSON.parse(out[1].payload.toString()).delta.text, 'héllo');
    assert.equal(decoder.bufferedLength, 0);
  }
  // One byte at a time.
  const decoder = new EventStreamDecoder();
  const types: unknown[] = [];
  for (const byte of stream) for (const m of decoder.push(Uint8Array.of(byte))) types.push(m.headers[':event-type']);
  assert.deepEqual(types, ['messageStart', 'contentBlockDelta', 'messageStop']);
});

test('rejects a corrupted prelude, a corrupted message and an oversized length', () => {
  const good = encodeBedrockEvent('messageStart', { role: 'assistant' });
  const badPrelude = Buffer.from(good);
  badPrelude[9] ^= 0xff;
  assert.throws(() => new EventStreamDecoder().push(badPrelude), /prelude checksum mismatch/);
  const badBody = Buffer.from(good);
  badBody[good.length - 6] ^= 0x01;
  assert.throws(() => new EventStreamDecoder().push(badBody), /message checksum mismatch/);
  // A valid prelude announcing more than the bound is refused before buffering the rest.
  const huge = encodeEventStreamMessage({}, Buffer.alloc(2048));
  assert.throws(() => new EventStreamDecoder({ maxMessageLength: 1024 }).push(huge.subarray(0, 12)), EventStreamError);
});

test('rejects an unknown header type', () => {
  const headerBytes = Buffer.from([1, 0x78, 42]);
  assert.throws(() => new EventStreamDecoder().push(frame(headerBytes, Buffer.alloc(0))), /unknown event-stream header value type 42/);
});
