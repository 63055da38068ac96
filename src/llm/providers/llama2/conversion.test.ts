import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { fixtureJson, upstreamInput } from '../../streaming/test-helpers.ts';
import { llama2Driver } from './index.ts';

function confFor(format: 'raw' | 'openai' | 'ollama', options: Record<string, unknown> = {}): LlmConf {
  return {
    route_type: 'llm/v1/chat',
    model: { provider: 'llama2', name: 'llama3.1:8b', options: { llama2_format: format, upstream_url: 'http://127.0.0.1:11434/api/chat', ...options } },
  };
}
const request = () => fixtureJson(import.meta.url, 'chat-request.json');

test('raw: [INST]/<<SYS>> template by position, assistant turns dropped, Kong parameter defaults', () => {
  const conf = confFor('raw');
  assert.deepEqual(llama2Driver.toNative('llm/v1/chat', request(), { conf, model: 'llama2' }), { ok: true, value: fixtureJson(import.meta.url, 'raw-chat-request.native.json') });
  assert.deepEqual(llama2Driver.toNative('llm/v1/completions', { prompt: 'What is Missingno.?' }, { conf, model: 'llama2' }), {
    ok: true,
    value: { inputs: '<s> [INST] <<SYS>> You are a helpful assistant. <<SYS>> What is Missingno.? [/INST]', parameters: { top_k: 40, top_p: 1, stream: false } },
  });
  assert.deepEqual(llama2Driver.toNative('llm/v1/chat', { prompt: 'x', messages: [] }, { conf, model: 'llama2' }), {
    ok: false,
    message: "cannot run raw 'prompt' and chat history 'messages' requests at the same time - refer to schema",
  });
});

test('raw: answer is the text after the last [/INST], trimmed; malformed bodies fail with Kong\'s reasons', () => {
  const context = { conf: confFor('raw'), model: 'llama2' };
  assert.deepEqual(llama2Driver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'raw-chat-response.json'), context), {
    ok: true,
    value: { choices: [{ index: 0, message: { content: 'About 6,650 kilometres.', role: 'assistant' }, finish_reason: null }], model: 'llama2', object: 'chat.completion' },
  });
  const completion = llama2Driver.fromNative('llm/v1/completions', [{ generated_text: '[INST] q [/INST] a ' }], context);
  assert.deepEqual(completion, { ok: true, value: { choices: [{ index: 0, text: 'a', finish_reason: null }], model: 'llama2', object: 'text_completion' } });
  assert.deepEqual(llama2Driver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'raw-error.json'), context), { ok: false, message: 'cannot parse response from llama2 endpoint' });
  assert.deepEqual(llama2Driver.fromNative('llm/v1/chat', { data: [{}] }, context), { ok: false, message: 'response data is empty from llama2 endpoint' });
  assert.equal(llama2Driver.createStreamTranslator('llm/v1/chat', context), undefined);
});

test('ollama: request body with options and responses with eval counts as usage', () => {
  const conf = confFor('ollama', { max_tokens: 64 });
  // The glue has already applied the config-wins merge (validate.ts) when toNative runs.
  const merged = { ...request(), max_tokens: 64 };
  const context = { conf, model: 'llama3.1:8b', request: merged };
  assert.deepEqual(llama2Driver.toNative('llm/v1/chat', merged, context), { ok: true, value: fixtureJson(import.meta.url, 'ollama-chat-request.native.json') });
  assert.deepEqual(llama2Driver.toNative('llm/v1/chat', { prompt: 'x', messages: [] }, context), {
    ok: false,
    message: "cannot run raw 'prompt' and chat history 'messages' requests at the same time - refer to schema",
  });
  assert.deepEqual(llama2Driver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'ollama-chat-response.json'), context), {
    ok: true,
    value: {
      model: 'llama3.1:8b',
      created: 1795671850,
      usage: { completion_tokens: 13, prompt_tokens: 41, total_tokens: 54 },
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'The Nile is about 6,650 km long.' }, logprobs: null, finish_reason: 'stop' }],
    },
  });
  // No done_reason and eval_count == max_tokens → "length", as Kong infers.
  const generated = llama2Driver.fromNative('llm/v1/completions', fixtureJson(import.meta.url, 'ollama-generate-response.json'), context);
  assert.ok(generated.ok);
  assert.deepEqual((generated.value as { choices: unknown }).choices, [{ index: 0, text: 'Because the limit is undefined.', logprobs: null, finish_reason: 'length' }]);
  assert.equal(llama2Driver.fromNative('llm/v1/chat', 'oops', context).ok, false);
});

test('ollama: tool calls get OpenAI ids and JSON-string arguments', () => {
  const context = { conf: confFor('ollama'), model: 'llama3.1:8b' };
  const result = llama2Driver.fromNative('llm/v1/chat', {
    model: 'llama3.1:8b',
    message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'river_length', arguments: { river: 'Nile' } } }] },
    done: true,
  }, context);
  assert.ok(result.ok);
  const choice = (result.value as { choices: Array<{ message: { tool_calls: unknown }; finish_reason: string }> }).choices[0];
  assert.deepEqual(choice.message.tool_calls, [{ id: 'call_0', type: 'function', function: { name: 'river_length', arguments: '{"river":"Nile"}' } }]);
  assert.equal(choice.finish_reason, 'tool_calls');
});

test('openai format: body passes through with model and explicit stream; responses verbatim', () => {
  const context = { conf: confFor('openai'), model: 'meta-llama/Llama-3.1-8B-Instruct' };
  const native = llama2Driver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'hi' }], top_k: 3 }, context);
  assert.deepEqual(native, { ok: true, value: { messages: [{ role: 'user', content: 'hi' }], model: 'meta-llama/Llama-3.1-8B-Instruct', stream: false } });
  const body = fixtureJson(import.meta.url, 'openai-chat-response.json');
  assert.deepEqual(llama2Driver.fromNative('llm/v1/chat', body, context), { ok: true, value: body });
  assert.equal(llama2Driver.streamFraming(context.conf), 'sse');
});

test('upstream: upstream_url is the whole target; header auth applied; no URL → refused', () => {
  const conf: LlmConf = { ...confFor('ollama'), auth: { header_name: 'Authorization', header_value: 'Bearer local' } };
  const result = llama2Driver.upstream(upstreamInput(conf));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'http://127.0.0.1:11434/api/chat');
  assert.equal(result.value.headers.authorization, 'Bearer local');
  assert.equal(llama2Driver.streamFraming(conf), 'ndjson');
  const missing: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'llama2', name: 'x', options: { llama2_format: 'raw' } } };
  assert.equal(llama2Driver.upstream(upstreamInput(missing)).ok, false);
});
