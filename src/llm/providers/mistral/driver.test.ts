import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mistralDriver } from './driver.ts';
import type { LlmConf } from '../../conf.ts';
import { STREAM_DONE } from '../types.ts';
import type { ChatChunk, ChatRequest } from '../../protocols/openai.ts';
import { feedInPieces, fixtureJson, fixtureText, SPLITS, upstreamInput } from '../../streaming/test-helpers.ts';

const here = import.meta.url;
const openaiConf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: 'Bearer mistral-key' },
  model: { provider: 'mistral', name: 'mistral-small-latest', options: { mistral_format: 'openai' } },
};
const ollamaConf: LlmConf = {
  route_type: 'llm/v1/chat',
  model: { provider: 'mistral', name: 'mistral-tiny', options: { mistral_format: 'ollama', upstream_url: 'http://127.0.0.1:11434/api/chat' } },
};

test('openai format: api.mistral.ai, no stream_options, OpenAI passthrough', () => {
  const target = mistralDriver.upstream(upstreamInput(openaiConf));
  assert.ok(target.ok);
  assert.equal(target.value.url, 'https://api.mistral.ai/v1/chat/completions');
  assert.equal(target.value.headers.authorization, 'Bearer mistral-key');
  const request: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], stream: true, top_k: 3 };
  const native = mistralDriver.toNative('llm/v1/chat', request, { conf: openaiConf, model: 'mistral-small-latest' });
  assert.ok(native.ok);
  assert.deepEqual(native.value, { messages: [{ role: 'user', content: 'hi' }], stream: true, model: 'mistral-small-latest' });
  const body = fixtureJson(here, 'openai-chat-response.json');
  assert.deepEqual(mistralDriver.fromNative('llm/v1/chat', body, { conf: openaiConf, model: 'x' }), { ok: true, value: body });
  assert.deepEqual(mistralDriver.toNative('llm/v1/completions', { prompt: 'x' }, { conf: openaiConf, model: 'x' }), {
    ok: false,
    message: 'no transformer for mistral://llm/v1/completions',
  });
});

test('openai format stream: usage Mistral sends unasked passes through untouched', () => {
  for (const sizes of SPLITS) {
    const translator = mistralDriver.createStreamTranslator('llm/v1/chat', { conf: openaiConf, model: 'x', request: { messages: [], stream: true } })!;
    const items = feedInPieces(translator, fixtureText(here, 'openai-chat-stream.txt'), sizes);
    assert.equal(items.length, 4, `split ${sizes}`);
    assert.deepEqual((items[2] as ChatChunk).usage, { prompt_tokens: 10, total_tokens: 12, completion_tokens: 2 });
    assert.equal(items[3], STREAM_DONE);
    assert.equal(translator.summary().usage?.total_tokens, 12);
  }
});

test('ollama format: request with options, images and decoded tool arguments', () => {
  const request: ChatRequest = {
    messages: [
      { role: 'system', content: 'You are a mathematician.' },
      { role: 'user', content: [{ type: 'text', text: 'Describe this chart.' }, { type: 'text', text: 'Briefly.' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'plot', arguments: '{"kind":"bar"}' } }] },
      { role: 'tool', tool_call_id: 'call_9', content: 'plotted' },
    ],
    max_tokens: 512, temperature: 0.5, top_p: 1, top_k: 40, stop: '\n\n',
  };
  const result = mistralDriver.toNative('llm/v1/chat', request, { conf: ollamaConf, model: 'mistral-tiny' });
  assert.ok(result.ok);
  assert.deepEqual(result.value, fixtureJson(here, 'ollama-chat-native-request.json'));
  const remote = { ...request, messages: [{ role: 'user', content: [{ type: 'image_url' as const, image_url: { url: 'https://x.test/a.png' } }] }] };
  assert.deepEqual(mistralDriver.toNative('llm/v1/chat', remote, { conf: ollamaConf, model: 'm' }), {
    ok: false,
    message: 'error transforming to mistral://llm/v1/chat: ollama accepts only base64 data URL images',
  });
});

test('ollama format: upstream_url used as is; stream framing is NDJSON', () => {
  const target = mistralDriver.upstream(upstreamInput(ollamaConf));
  assert.ok(target.ok);
  assert.equal(target.value.url, 'http://127.0.0.1:11434/api/chat');
  assert.equal(mistralDriver.streamFraming(ollamaConf), 'ndjson');
  assert.equal(mistralDriver.streamFraming(openaiConf), 'sse');
});

test('ollama format: chat and generate responses', () => {
  const chat = mistralDriver.fromNative('llm/v1/chat', fixtureJson(here, 'ollama-chat-response.json'), { conf: ollamaConf, model: 'mistral-tiny' });
  assert.deepEqual(chat, {
    ok: true,
    value: {
      model: 'mistral-tiny', created: 1795671000, usage: { prompt_tokens: 26, completion_tokens: 100, total_tokens: 126 },
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Dividing by zero has no defined result.' }, logprobs: null, finish_reason: 'stop' }],
    },
  });
  const completionsConf: LlmConf = { ...ollamaConf, route_type: 'llm/v1/completions' };
  const generate = mistralDriver.fromNative('llm/v1/completions', fixtureJson(here, 'ollama-generate-response.json'), { conf: completionsConf, model: 'mistral-tiny', request: { prompt: 'x', max_tokens: 5 } });
  assert.ok(generate.ok);
  assert.deepEqual(generate.value.choices, [{ index: 0, text: 'Because I said so.', logprobs: null, finish_reason: 'length' }]);
  assert.deepEqual(mistralDriver.fromNative('llm/v1/chat', { error: 'model "x" not found' }, { conf: ollamaConf, model: 'x' }), { ok: false, message: 'model "x" not found' });
  assert.equal(mistralDriver.fromNative('llm/v1/chat', fixtureJson(here, 'error-401.json'), { conf: ollamaConf, model: 'x' }).ok, false);
});

test('ollama stream → chunks, finish chunk, usage and [DONE] at any split', () => {
  const stream = fixtureText(here, 'ollama-chat-stream.ndjson');
  for (const sizes of SPLITS) {
    const translator = mistralDriver.createStreamTranslator('llm/v1/chat', { conf: ollamaConf, model: 'mistral-tiny' })!;
    const items = feedInPieces(translator, stream, sizes);
    const chunks = items.slice(0, -1) as ChatChunk[];
    assert.equal(items.at(-1), STREAM_DONE, `split ${sizes}`);
    assert.equal(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join(''), 'Zero has no inverse — ∅.');
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'length');
    assert.deepEqual(translator.summary().usage, { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 });
    assert.equal(translator.summary().completed, true);
  }
});

test('ollama stream error line becomes an error frame', () => {
  const translator = mistralDriver.createStreamTranslator('llm/v1/chat', { conf: ollamaConf, model: 'm' })!;
  const items = feedInPieces(translator, '{"error":"out of memory"}\n', [4]);
  assert.deepEqual(items, [{ error: { message: 'out of memory' } }, STREAM_DONE]);
  assert.equal(translator.summary().completed, false);
});
