import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SSE_DONE_FRAME, SSE_UNSUPPORTED_FRAME, sseFrame, sseFrames } from './sse-writer.ts';
import { STREAM_DONE } from '../providers/types.ts';
import { SseParser } from './sse-parser.ts';

test('frames chunks as data lines and the terminator as data: [DONE]', () => {
  const chunk = { object: 'chat.completion.chunk' as const, choices: [{ index: 0, delta: { content: 'hi\n' }, finish_reason: null }] };
  assert.equal(sseFrame(chunk), `data: ${JSON.stringify(chunk)}\n\n`);
  assert.equal(sseFrame(STREAM_DONE), 'data: [DONE]\n\n');
  assert.equal(SSE_DONE_FRAME, 'data: [DONE]\n\n');
  // Round trip through the parser: the writer's output is valid SSE.
  const parsed = new SseParser().push(sseFrames([chunk, STREAM_DONE]));
  assert.deepEqual(parsed.map((event) => event.data), [JSON.stringify(chunk), '[DONE]']);
});

test("Kong's unsupported-stream frame", () => {
  assert.equal(SSE_UNSUPPORTED_FRAME, 'data: {"error":true,"message":"empty or unsupported transformer response"}\n\n');
});
