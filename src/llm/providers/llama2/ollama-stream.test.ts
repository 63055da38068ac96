import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { feedInPieces, fixtureText, SPLITS } from '../../streaming/test-helpers.ts';
import { STREAM_DONE, type StreamItem } from '../types.ts';
import { llama2Driver } from './index.ts';

const conf: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'llama2', name: 'llama3.1:8b', options: { llama2_format: 'ollama', upstream_url: 'http://127.0.0.1:11434/api/chat' } } };

function contents(items: StreamItem[]): string {
  return items.map((item) => String((item as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]?.delta?.content ?? '')).join('');
}

test('NDJSON stream split anywhere → content deltas, finish chunk, [DONE], eval counts as usage', () => {
  const stream = fixtureText(import.meta.url, 'ollama-chat-stream.ndjson');
  for (const sizes of SPLITS) {
    const translator = llama2Driver.createStreamTranslator('llm/v1/chat', { conf, model: 'llama3.1:8b' })!;
    const items = feedInPieces<StreamItem>(translator, stream, sizes);
    assert.equal(contents(items), 'The Nile — "6,650 km".');
    assert.equal(items.length, 5);
    assert.deepEqual(items[3], { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], model: 'llama3.1:8b' });
    assert.equal(items[4], STREAM_DONE);
    assert.deepEqual(translator.summary().usage, { completion_tokens: 9, prompt_tokens: 41, total_tokens: 50 });
    assert.equal(translator.summary().completed, true);
  }
});

test('a client that asked for include_usage gets the usage chunk; completions use text chunks', () => {
  const stream = fixtureText(import.meta.url, 'ollama-chat-stream.ndjson');
  const withUsage = llama2Driver.createStreamTranslator('llm/v1/chat', { conf, model: 'llama3.1:8b', request: { messages: [], stream: true, stream_options: { include_usage: true } } })!;
  const items = feedInPieces<StreamItem>(withUsage, stream, [9]);
  assert.deepEqual((items.at(-2) as { usage: unknown }).usage, { completion_tokens: 9, prompt_tokens: 41, total_tokens: 50 });

  const completions = llama2Driver.createStreamTranslator('llm/v1/completions', { conf, model: 'llama3.1:8b' })!;
  const out = [...completions.push('{"model":"m","response":"Hi","done":false}\n{"model":"m","response":"","done":true,"eval_count":1}\n'), ...completions.end()];
  assert.deepEqual((out[0] as { object: string; choices: Array<{ text: string }> }).object, 'text_completion');
  assert.equal((out[0] as { choices: Array<{ text: string }> }).choices[0].text, 'Hi');
  assert.equal(out.at(-1), STREAM_DONE);
});

test('an Ollama error line becomes an error item; a cut stream still ends once with [DONE]', () => {
  const translator = llama2Driver.createStreamTranslator('llm/v1/chat', { conf, model: 'llama3.1:8b' })!;
  const items = [...translator.push('{"message":{"content":"par"},"done":false}\n{"error":"model runner has unexpectedly stopped"}\nnot json\n'), ...translator.end()];
  assert.deepEqual(items.slice(1), [{ error: { message: 'model runner has unexpectedly stopped' } }, STREAM_DONE]);
  assert.equal(translator.summary().completed, false);
  assert.equal(translator.summary().error, 'model runner has unexpectedly stopped');
});
