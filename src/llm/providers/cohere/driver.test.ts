import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cohereDriver } from './driver.ts';
import type { LlmConf } from '../../conf.ts';
import { STREAM_DONE } from '../types.ts';
import type { ChatChunk, CompletionChunk } from '../../protocols/openai.ts';
import { feedInPieces, fixtureJson, fixtureText, SPLITS, upstreamInput } from '../../streaming/test-helpers.ts';

const here = import.meta.url;
const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: 'Bearer co-key' },
  model: { provider: 'cohere', name: 'command-r-plus' },
};
const context = { conf, model: 'command-r-plus' };

test('chat request: history as USER/CHATBOT, last message as `message`, p/k renamed', () => {
  const request = {
    messages: [
      { role: 'system', content: 'You are a mathematician.' },
      { role: 'user', content: [{ type: 'text' as const, text: 'What is 1 + 1?' }] },
      { role: 'assistant', content: '2' },
      { role: 'user', content: 'And 2 + 2?' },
    ],
    temperature: 0.3, max_tokens: 100, top_p: 0.75, top_k: 5,
  };
  const result = cohereDriver.toNative('llm/v1/chat', request, context);
  assert.ok(result.ok);
  assert.deepEqual(result.value, fixtureJson(here, 'chat-native-request.json'));
  const single = cohereDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'hi' }] }, context);
  assert.ok(single.ok);
  assert.deepEqual(single.value, { model: 'command-r-plus', stream: false, message: 'hi' });
});

test('body auth param is written into the generation body', () => {
  const bodyConf: LlmConf = { ...conf, auth: { param_name: 'api_key', param_value: 'k', param_location: 'body' } };
  const result = cohereDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'hi' }] }, { conf: bodyConf, model: 'c' });
  assert.ok(result.ok);
  assert.equal((result.value as Record<string, unknown>).api_key, 'k');
});

test('completions keep the prompt; tools go out in OpenAI shape as in Kong', () => {
  const completion = cohereDriver.toNative('llm/v1/completions', { prompt: 'What are you?', top_k: 3 }, context);
  assert.ok(completion.ok);
  assert.deepEqual(completion.value, { prompt: 'What are you?', k: 3, model: 'command-r-plus', stream: false });
  const tools = [{ type: 'function' as const, function: { name: 'f' } }];
  const withTools = cohereDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'x' }], tools }, context);
  assert.ok(withTools.ok);
  assert.deepEqual(withTools.value, { messages: [{ role: 'user', content: 'x' }], tools, model: 'command-r-plus', stream: false });
});

test('embeddings request and response', () => {
  const request = cohereDriver.toNative('llm/v1/embeddings', { input: ['hello', 'world'] }, context);
  assert.ok(request.ok);
  assert.deepEqual(request.value, { model: 'command-r-plus', texts: ['hello', 'world'], input_type: 'search_document', embedding_types: ['float'] });
  assert.equal(cohereDriver.toNative('llm/v1/embeddings', { input: [1, 2] }, context).ok, false);
  const response = cohereDriver.fromNative('llm/v1/embeddings', fixtureJson(here, 'embed-response.json'), { conf, model: 'embed-v4.0' });
  assert.deepEqual(response, {
    ok: true,
    value: {
      object: 'list', model: 'embed-v4.0', usage: { prompt_tokens: 2, total_tokens: 2 },
      data: [{ object: 'embedding', index: 0, embedding: [0.011, -0.023] }, { object: 'embedding', index: 1, embedding: [0.031, 0.004] }],
    },
  });
});

test('chat, generate and v2 responses', () => {
  assert.deepEqual(cohereDriver.fromNative('llm/v1/chat', fixtureJson(here, 'chat-response.json'), context), {
    ok: true,
    value: {
      id: 'a3c4e5f6-0000-4000-8000-000000000002', object: 'chat.completion', model: 'command-r-plus',
      choices: [{ index: 0, message: { role: 'assistant', content: '2 + 2 is 4.' }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 81, completion_tokens: 8, total_tokens: 89 },
    },
  });
  // On the completions route a chat-shaped reply counts tokens from token_count (Kong).
  const chatAsCompletion = cohereDriver.fromNative('llm/v1/completions', fixtureJson(here, 'chat-response.json'), context);
  assert.ok(chatAsCompletion.ok);
  assert.deepEqual(chatAsCompletion.value.usage, { prompt_tokens: 102, completion_tokens: 8, total_tokens: 110 });
  const generate = cohereDriver.fromNative('llm/v1/completions', fixtureJson(here, 'generate-response.json'), context);
  assert.deepEqual(generate, {
    ok: true,
    value: {
      id: 'gen-0001', object: 'text_completion', model: 'command-r-plus',
      choices: [
        { index: 0, text: ' I am a large language model.', logprobs: null, finish_reason: 'stop' },
        { index: 1, text: ' A program.', logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 12, total_tokens: 16 },
    },
  });
  const v2 = cohereDriver.fromNative('llm/v1/chat', fixtureJson(here, 'v2-response.json'), context);
  assert.ok(v2.ok);
  assert.deepEqual(v2.value.choices, [{
    index: 0, logprobs: null, finish_reason: 'TOOL_CALL',
    message: { role: 'assistant', content: 'I will look up the weather.', tool_calls: [{ id: 'get_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
  }]);
  assert.deepEqual(v2.value.usage, { prompt_tokens: 30, completion_tokens: 11, total_tokens: 41 });
});

test("a 200 body without text or generations gets Kong's reason", () => {
  assert.deepEqual(cohereDriver.fromNative('llm/v1/chat', fixtureJson(here, 'error-401.json'), context), {
    ok: false,
    message: "'text' or 'generations' missing from cohere response body",
  });
});

test('chat stream (NDJSON) → chunks, finish, usage, [DONE] at any split', () => {
  const stream = fixtureText(here, 'chat-stream.ndjson');
  for (const sizes of SPLITS) {
    const translator = cohereDriver.createStreamTranslator('llm/v1/chat', context)!;
    const items = feedInPieces(translator, stream, sizes);
    assert.equal(items.at(-1), STREAM_DONE, `split ${sizes}`);
    const chunks = items.slice(0, -1) as ChatChunk[];
    assert.deepEqual(chunks[0], {
      object: 'chat.completion.chunk', id: 'gen-stream-01', model: 'command-r-plus',
      choices: [{ index: 0, delta: { content: '', role: 'assistant' }, logprobs: null, finish_reason: null }],
    });
    assert.equal(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join(''), 'Four — 4 ✓');
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'length');
    assert.deepEqual(translator.summary().usage, { prompt_tokens: 14, completion_tokens: 5, total_tokens: 19 });
    assert.equal(translator.summary().completed, true);
  }
});

test('completions stream yields text and a usage chunk when asked', () => {
  const request = { prompt: 'x', stream: true, stream_options: { include_usage: true } };
  const translator = cohereDriver.createStreamTranslator('llm/v1/completions', { ...context, request })!;
  const items = feedInPieces(translator, fixtureText(here, 'chat-stream.ndjson'), [13]);
  const chunks = items.filter((item): item is CompletionChunk => item !== STREAM_DONE);
  assert.ok(chunks.every((chunk) => chunk.object === 'text_completion'));
  assert.equal(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join(''), 'Four — 4 ✓');
  assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 14, completion_tokens: 5, total_tokens: 19 });
});

test('upstream: v1 paths and header auth', () => {
  const paths = { 'llm/v1/chat': '/v1/chat', 'llm/v1/completions': '/v1/generate', 'llm/v1/embeddings': '/v1/embed' } as const;
  for (const [routeType, path] of Object.entries(paths)) {
    const result = cohereDriver.upstream(upstreamInput({ ...conf, route_type: routeType as 'llm/v1/chat' }));
    assert.ok(result.ok);
    assert.equal(result.value.url, `https://api.cohere.com${path}`);
    assert.equal(result.value.headers.authorization, 'Bearer co-key');
  }
});
