import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from './sse-parser.ts';
import type { SseEvent } from './sse-parser.ts';
import { feedInPieces } from './test-helpers.ts';
import { FrameTooLargeError } from './line-splitter.ts';

function parseInPieces(text: string, sizes: number[]): SseEvent[] {
  return feedInPieces(new SseParser(), text, sizes);
}

const STREAM = 'event: message_start\r\ndata: {"a":1}\r\n\r\n: keep-alive\n\nid: 7\ndata: line one\ndata: line two\n\ndata:nospace\n\n';

test('parses events with CRLF, comments, ids and multi-line data', () => {
  assert.deepEqual(parseInPieces(STREAM, [STREAM.length]), [
    { event: 'message_start', data: '{"a":1}' },
    { id: '7', data: 'line one\nline two' },
    { data: 'nospace' },
  ]);
});

test('gives the same events whatever the byte split (including inside CRLF)', () => {
  const whole = parseInPieces(STREAM, [STREAM.length]);
  for (const sizes of [[1], [2], [3, 5], [7, 1, 13]]) {
    assert.deepEqual(parseInPieces(STREAM, sizes), whole, `split ${sizes.join(',')}`);
  }
});

test('reassembles a multi-byte UTF-8 character split across chunks', () => {
  const text = 'data: {"t":"héllo 🌍"}\n\n';
  assert.deepEqual(parseInPieces(text, [1]), [{ data: '{"t":"héllo 🌍"}' }]);
});

test('bare CR line endings are line breaks', () => {
  assert.deepEqual(parseInPieces('data: a\r\rdata: b\r\r', [3]), [{ data: 'a' }, { data: 'b' }]);
});

test('an event without its blank line is delivered at end of stream', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: [DONE]'), []);
  assert.deepEqual(parser.end(), [{ data: '[DONE]' }]);
});

test('events without data and unknown fields are ignored', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('event: ping\n\nfoo: bar\ndata: x\n\n'), [{ data: 'x' }]);
});

test('an oversized event throws instead of buffering without bound', () => {
  const parser = new SseParser(64);
  assert.throws(() => parser.push(`data: ${'x'.repeat(100)}`), FrameTooLargeError);
  const lines = new SseParser(64);
  assert.throws(() => {
    for (let index = 0; index < 20; index++) lines.push('data: 0123456789\n');
  }, FrameTooLargeError);
});
