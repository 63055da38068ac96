import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamTextCollector, syntheticStreamResponse } from './collector.ts';
import { chatChunk, completionChunk } from '../formats/chunks.ts';
import { STREAM_DONE } from '../providers/types.ts';

test('collects chat and completion text, skipping [DONE] and error frames', () => {
  const collector = new StreamTextCollector();
  collector.add([chatChunk({}, { role: 'assistant', content: '' }), chatChunk({}, { content: 'Hel' }), { error: { message: 'x' } }]);
  collector.add([completionChunk({}, 'lo'), STREAM_DONE]);
  assert.equal(collector.text, 'Hello');
  assert.equal(collector.truncated, false);
});

test('stops at the cap and says so', () => {
  const collector = new StreamTextCollector(4);
  collector.add([chatChunk({}, { content: 'abc' }), chatChunk({}, { content: 'def' }), chatChunk({}, { content: 'g' })]);
  assert.equal(collector.text, 'abcd');
  assert.equal(collector.truncated, true);
});

test('synthetic response carries id, model, finish reason and usage', () => {
  const usage = { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 };
  const summary = { id: 'c1', model: 'm', finish_reason: 'stop', usage, completion_chars: 2, completed: true };
  assert.deepEqual(syntheticStreamResponse(summary, 'Hi', usage), {
    object: 'chat.completion', id: 'c1', model: 'm', usage,
    choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: 'Hi' } }],
  });
});
