import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { feedInPieces, fixtureJson, fixtureText, SPLITS, upstreamInput } from '../../streaming/test-helpers.ts';
import { STREAM_DONE, type StreamItem } from '../types.ts';
import { huggingfaceDriver } from './index.ts';

const model = 'mistralai/Mistral-7B-Instruct-v0.3';
const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: 'Bearer hf_secret', param_name: 'key', param_value: 'ignored', param_location: 'query' },
  model: { provider: 'huggingface', name: model, options: { huggingface: { wait_for_model: true } } },
};
const context = { conf, model };

test('chat request: sampling moved under parameters (max_length), options, model', () => {
  assert.deepEqual(huggingfaceDriver.toNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-request.json'), context), {
    ok: true,
    value: fixtureJson(import.meta.url, 'chat-request.native.json'),
  });
});

test('completions request: prompt → inputs, max_tokens → max_new_tokens, options default false', () => {
  const plain: LlmConf = { ...conf, model: { provider: 'huggingface', name: 'gpt2' } };
  assert.deepEqual(huggingfaceDriver.toNative('llm/v1/completions', { prompt: 'What are you?', max_tokens: 20, top_k: 5 }, { conf: plain, model: 'gpt2' }), {
    ok: true,
    value: { inputs: 'What are you?', options: { use_cache: false, wait_for_model: false }, parameters: { top_k: 5, max_new_tokens: 20 }, model: 'gpt2' },
  });
  assert.deepEqual(huggingfaceDriver.toNative('llm/v1/embeddings', { input: 'x' }, context), { ok: false, message: 'no transformer for huggingface://llm/v1/embeddings' });
});

test('responses: OpenAI-style chat and generated_text lists, finish_reason "complete"', () => {
  assert.deepEqual(huggingfaceDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-response.json'), context), {
    ok: true,
    value: {
      choices: [{ index: 0, message: { role: 'assistant', content: 'Air molecules scatter short blue wavelengths of sunlight more than red ones.' }, finish_reason: 'complete' }],
      model,
      object: 'chat.completion',
      usage: { prompt_tokens: 21, completion_tokens: 16, total_tokens: 37 },
    },
  });
  assert.deepEqual(huggingfaceDriver.fromNative('llm/v1/completions', fixtureJson(import.meta.url, 'completions-response.json'), context), {
    ok: true,
    value: {
      choices: [{ index: 0, text: 'A language model trained to continue text.', message: { content: 'A language model trained to continue text.' }, finish_reason: 'complete' }],
      model,
      object: 'text_completion',
    },
  });
});

test('HF error bodies become Kong\'s "API error" reasons', () => {
  assert.deepEqual(huggingfaceDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'error-loading.json'), context), {
    ok: false,
    message: 'API error: Model mistralai/Mistral-7B-Instruct-v0.3 is currently loading',
  });
  assert.deepEqual(huggingfaceDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'error-unauthorized.json'), context), {
    ok: false,
    message: 'API error: Authorization header is correct, but the token seems invalid',
  });
  assert.deepEqual(huggingfaceDriver.fromNative('llm/v1/chat', { foo: 1 }, context), { ok: false, message: 'Invalid response format' });
  assert.deepEqual(huggingfaceDriver.fromNative('llm/v1/chat', 'x', context), { ok: false, message: 'Failed to decode response' });
});

test('upstream: model URL (+ /v1/chat/completions for chat), header auth only; upstream_url keeps the chat suffix', () => {
  const chat = huggingfaceDriver.upstream(upstreamInput(conf, { clientQuery: 'a=1' }));
  assert.ok(chat.ok);
  assert.equal(chat.value.url, 'https://api-inference.huggingface.co/models/mistralai/Mistral-7B-Instruct-v0.3/v1/chat/completions?a=1');
  assert.equal(chat.value.headers.authorization, 'Bearer hf_secret');
  const completions = huggingfaceDriver.upstream(upstreamInput({ ...conf, route_type: 'llm/v1/completions' }));
  assert.ok(completions.ok);
  assert.equal(completions.value.url, 'https://api-inference.huggingface.co/models/mistralai/Mistral-7B-Instruct-v0.3');
  const dedicated: LlmConf = { ...conf, model: { ...conf.model, options: { upstream_url: 'http://127.0.0.1:8080/endpoint' } } };
  const custom = huggingfaceDriver.upstream(upstreamInput(dedicated));
  assert.ok(custom.ok);
  assert.equal(custom.value.url, 'http://127.0.0.1:8080/endpoint/v1/chat/completions');
  const nothing: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'huggingface' } };
  assert.deepEqual(huggingfaceDriver.upstream(upstreamInput(nothing)), { ok: false, message: 'Could not parse the Hugging Face model endponit' });
});

function contents(items: StreamItem[]): string {
  return items.map((item) => String((item as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]?.delta?.content ?? '')).join('');
}

test('chat stream split anywhere → assistant deltas, finish reason and usage, one [DONE]', () => {
  const stream = fixtureText(import.meta.url, 'chat-stream.sse');
  for (const sizes of SPLITS) {
    const translator = huggingfaceDriver.createStreamTranslator('llm/v1/chat', context)!;
    const items = feedInPieces<StreamItem>(translator, stream, sizes);
    assert.equal(contents(items), 'Air scatters blue — “Rayleigh”.');
    assert.equal(items.length, 4);
    assert.equal(items[3], STREAM_DONE);
    assert.equal((items[2] as { choices: Array<{ finish_reason: unknown }> }).choices[0].finish_reason, 'eos_token');
    assert.deepEqual(translator.summary().usage, { prompt_tokens: 21, completion_tokens: 9, total_tokens: 30 });
    assert.equal(translator.summary().completed, true);
  }
});

test('text-generation stream → text chunks without special tokens; error events surface', () => {
  const translator = huggingfaceDriver.createStreamTranslator('llm/v1/completions', context)!;
  const items = feedInPieces<StreamItem>(translator, fixtureText(import.meta.url, 'completions-stream.sse'), [5]);
  assert.deepEqual(items.map((item) => (item === STREAM_DONE ? item : (item as { choices: Array<{ text: string }> }).choices[0].text)), ['A', ' model', '', STREAM_DONE]);
  assert.equal((items[2] as { choices: Array<{ finish_reason: unknown }> }).choices[0].finish_reason, 'eos_token');
  assert.equal(translator.summary().completed, true);

  const failing = huggingfaceDriver.createStreamTranslator('llm/v1/chat', context)!;
  const out = [...failing.push('data:{"error":"Input validation error: `inputs` must have less than 4096 tokens","error_type":"validation"}\n\n'), ...failing.end()];
  assert.deepEqual(out, [{ error: { message: 'Input validation error: `inputs` must have less than 4096 tokens', type: 'validation' } }, STREAM_DONE]);
  assert.equal(failing.summary().completed, false);
});
