import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStreamContentType, modelHeaderValue, translateResponse } from './response.ts';
import type { LlmConf } from './conf.ts';

const conf: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'anthropic', name: 'claude-haiku-4-5' } };
const context = { conf, model: 'claude-haiku-4-5' };

test('non-200 answers and preserve mode pass through untouched', () => {
  assert.deepEqual(translateResponse('anthropic', 'llm/v1/chat', 401, '{"type":"error"}', context), { kind: 'passthrough' });
  assert.deepEqual(translateResponse('anthropic', 'preserve', 200, 'anything', context), { kind: 'passthrough' });
});

test('a 200 answer is translated through the registered driver', () => {
  const body = JSON.stringify({ id: 'msg_1', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 1 } });
  const outcome = translateResponse('anthropic', 'llm/v1/chat', 200, body, context);
  assert.equal(outcome.kind, 'translated');
  if (outcome.kind !== 'translated') return;
  assert.equal(outcome.body.object, 'chat.completion');
  assert.deepEqual(outcome.body.usage, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
});

test("untranslatable 200 answers become Kong's 500 body", () => {
  assert.deepEqual(translateResponse('openai', 'llm/v1/chat', 200, '{"object":"x"}', context), {
    kind: 'failed', status: 500,
    body: { error: { message: "transformation failed from type openai://llm/v1/chat: 'choices' not in llm/v1/chat response" } },
  });
  assert.deepEqual(translateResponse('openai', 'llm/v1/chat', 200, '<html>oops</html>', context), {
    kind: 'failed', status: 500,
    body: { error: { message: 'transformation failed from type openai://llm/v1/chat: failed to decode llm/v1/chat response' } },
  });
  assert.equal(translateResponse('nope', 'llm/v1/chat', 200, '{}', context).kind, 'failed');
});

test('model header value and supported stream content types', () => {
  assert.equal(modelHeaderValue('openai', 'gpt-4o'), 'openai/gpt-4o');
  assert.equal(isStreamContentType('text/event-stream; charset=utf-8'), true);
  assert.equal(isStreamContentType('Application/X-NDJSON'), true);
  assert.equal(isStreamContentType('text/html'), false);
  assert.equal(isStreamContentType(undefined), false);
});
