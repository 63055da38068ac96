import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicDriver } from './driver.ts';
import type { LlmConf } from '../../conf.ts';
import { STREAM_DONE } from '../types.ts';
import type { StreamItem } from '../types.ts';
import type { ChatChunk, CompletionChunk } from '../../protocols/openai.ts';
import { transformationFailedBody } from '../../translation-errors.ts';
import { feedInPieces, fixtureJson, fixtureText, SPLITS, upstreamInput } from '../../streaming/test-helpers.ts';

const here = import.meta.url;
const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'x-api-key', header_value: 'sk-ant-test' },
  model: { provider: 'anthropic', name: 'claude-sonnet-4-5', options: { anthropic_version: '2023-06-01' } },
};
const context = { conf, model: 'claude-sonnet-4-5' };

test('chat request: all system messages kept, images, tool calls and results, tools, tool_choice', () => {
  const result = anthropicDriver.toNative('llm/v1/chat', fixtureJson(here, 'chat-request.json'), context);
  assert.ok(result.ok);
  assert.deepEqual(result.value, fixtureJson(here, 'chat-native-request.json'));
});

test('tool_choice mapping and an image URL source', () => {
  const cases: [unknown, unknown][] = [
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    [{ type: 'function', function: { name: 'my_function' } }, { type: 'tool', name: 'my_function' }],
  ];
  for (const [choice, expected] of cases) {
    const result = anthropicDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } }] }], tool_choice: choice as 'auto' }, context);
    assert.ok(result.ok);
    const body = result.value as Record<string, any>;
    assert.deepEqual(body.tool_choice, expected);
    assert.deepEqual(body.messages[0].content, [{ type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } }]);
    assert.equal(body.system, undefined);
  }
});

test('bad tool-call arguments fail the translation with Kong-style wording', () => {
  const request = { messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function' as const, function: { name: 'f', arguments: '{oops' } }] }] };
  assert.deepEqual(anthropicDriver.toNative('llm/v1/chat', request, context), {
    ok: false,
    message: 'error transforming to anthropic://llm/v1/chat: failed to decode function call arguments, not JSON format',
  });
  assert.deepEqual(anthropicDriver.toNative('llm/v1/embeddings', { input: 'x' }, context), { ok: false, message: 'no transformer for anthropic://llm/v1/embeddings' });
});

test('completions go through the Messages API as one user turn', () => {
  const result = anthropicDriver.toNative('llm/v1/completions', { prompt: 'What are you?', max_tokens: 50, stream: true }, context);
  assert.ok(result.ok);
  assert.deepEqual(result.value, { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'What are you?' }], max_tokens: 50, stream: true });
  const response = anthropicDriver.fromNative('llm/v1/completions', fixtureJson(here, 'completions-response.json'), context);
  assert.ok(response.ok);
  assert.deepEqual(response.value, {
    id: 'msg_01PorticoC', model: 'claude-haiku-4-5', usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
    object: 'text_completion', choices: [{ index: 0, text: 'I am Claude, an AI assistant.', logprobs: null, finish_reason: 'length' }],
  });
});

test('chat response: text, tool_use → tool_calls, mapped stop reason, usage incl. cache reads', () => {
  const result = anthropicDriver.fromNative('llm/v1/chat', fixtureJson(here, 'chat-response.json'), context);
  assert.ok(result.ok);
  assert.deepEqual(result.value, fixtureJson(here, 'chat-expected-response.json'));
});

test('a 200 body without content is a translation failure', () => {
  const result = anthropicDriver.fromNative('llm/v1/chat', fixtureJson(here, 'error-401.json'), context);
  assert.deepEqual(result, { ok: false, message: "'content' not in anthropic://llm/v1/chat response" });
  assert.deepEqual(transformationFailedBody('anthropic', 'llm/v1/chat', result.ok ? '' : result.message), {
    error: { message: "transformation failed from type anthropic://llm/v1/chat: 'content' not in anthropic://llm/v1/chat response" },
  });
});

function chunksOf(items: StreamItem[]): ChatChunk[] {
  return items.filter((item): item is ChatChunk => item !== STREAM_DONE);
}

test('chat stream → OpenAI chunks, any byte split', () => {
  const stream = fixtureText(here, 'chat-stream.txt');
  for (const sizes of SPLITS) {
    const translator = anthropicDriver.createStreamTranslator('llm/v1/chat', context)!;
    const items = feedInPieces(translator, stream, sizes);
    assert.equal(items.at(-1), STREAM_DONE, `split ${sizes}`);
    const chunks = chunksOf(items);
    assert.deepEqual(chunks[0], {
      object: 'chat.completion.chunk', id: 'msg_01PorticoS', model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), 'Det regner i Oslo ☔.');
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(toolDeltas, [
      { index: 0, id: 'toolu_04', type: 'function', function: { name: 'get_forecast', arguments: '' } },
      { index: 0, function: { arguments: '{"city": "Os' } },
      { index: 0, function: { arguments: 'lo"}' } },
    ]);
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'tool_calls');
    const summary = translator.summary();
    assert.deepEqual(summary.usage, { prompt_tokens: 25, completion_tokens: 37, total_tokens: 62 });
    assert.equal(summary.completed, true);
    assert.equal(summary.finish_reason, 'tool_calls');
  }
});

test('chat stream: usage chunk only for clients that asked for it', () => {
  const request = { messages: [], stream: true, stream_options: { include_usage: true } };
  const translator = anthropicDriver.createStreamTranslator('llm/v1/chat', { ...context, request })!;
  const items = feedInPieces(translator, fixtureText(here, 'chat-stream.txt'), [17]);
  const usageChunk = items.at(-2) as ChatChunk;
  assert.deepEqual(usageChunk.choices, []);
  assert.deepEqual(usageChunk.usage, { prompt_tokens: 25, completion_tokens: 37, total_tokens: 62 });
});

test('completions stream yields text_completion chunks', () => {
  const translator = anthropicDriver.createStreamTranslator('llm/v1/completions', context)!;
  const items = feedInPieces(translator, fixtureText(here, 'chat-stream.txt'), [5]);
  const chunks = items.filter((item): item is CompletionChunk => item !== STREAM_DONE);
  assert.ok(chunks.every((chunk) => chunk.object === 'text_completion'));
  assert.equal(chunks.map((chunk) => chunk.choices[0]!.text).join(''), 'Det regner i Oslo ☔.');
});

test('a mid-stream error becomes an OpenAI error frame and the stream still ends cleanly', () => {
  const translator = anthropicDriver.createStreamTranslator('llm/v1/chat', context)!;
  const items = feedInPieces(translator, fixtureText(here, 'error-stream.txt'), [9]);
  assert.deepEqual(items.at(-2), { error: { message: 'Overloaded', type: 'overloaded_error' } });
  assert.equal(items.at(-1), STREAM_DONE);
  const summary = translator.summary();
  assert.equal(summary.completed, false);
  assert.equal(summary.error, 'Overloaded');
  assert.deepEqual(summary.usage, { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 });
});

test('upstream: messages endpoint, x-api-key and anthropic-version headers', () => {
  const result = anthropicDriver.upstream(upstreamInput(conf));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'https://api.anthropic.com/v1/messages');
  assert.deepEqual(result.value.headers, {
    'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-test', 'content-type': 'application/json', 'accept-encoding': 'identity',
  });
  const completions = anthropicDriver.upstream(upstreamInput({ ...conf, route_type: 'llm/v1/completions' }));
  assert.ok(completions.ok);
  assert.equal(completions.value.url, 'https://api.anthropic.com/v1/messages');
  const preserve = anthropicDriver.upstream(upstreamInput({ ...conf, route_type: 'preserve' }, { clientPath: '/v1/messages/count_tokens' }));
  assert.ok(preserve.ok);
  assert.equal(preserve.value.url, 'https://api.anthropic.com/v1/messages/count_tokens');
  assert.equal(preserve.value.headers['anthropic-version'], '2023-06-01');
});
