import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import { fixtureJson } from '../../streaming/test-helpers.ts';
import { bedrockDriver } from './index.ts';

const model = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const conf: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'bedrock', name: model, options: { bedrock: { aws_region: 'us-east-1' } } } };
const context = { conf, model };

test('chat request → Converse body (exact): system, toolUse/toolResult, toolConfig, anthropic_version', () => {
  assert.deepEqual(bedrockDriver.toNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-request.json'), context), {
    ok: true,
    value: fixtureJson(import.meta.url, 'chat-request.native.json'),
  });
});

test('configured options win; anthropic_version from config; scalar tool results are wrapped', () => {
  const withOptions: LlmConf = { ...conf, model: { ...conf.model, options: { max_tokens: 8192, temperature: 0.8, top_p: 0.6, anthropic_version: 'bedrock-2024-01-01' } } };
  const result = bedrockDriver.toNative('llm/v1/chat', {
    messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 't', content: '42' }],
    max_tokens: 10,
    temperature: 1,
  }, { conf: withOptions, model });
  assert.deepEqual(result, {
    ok: true,
    value: {
      messages: [
        { role: 'user', content: [{ text: 'hi' }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ json: { result: 42 } }], status: 'success' } }] },
      ],
      inferenceConfig: { maxTokens: 8192, temperature: 0.8, topP: 0.6 },
      anthropic_version: 'bedrock-2024-01-01',
    },
  });
});

test('request errors carry Kong\'s messages', () => {
  assert.deepEqual(bedrockDriver.toNative('llm/v1/chat', { messages: [{ role: 'tool', tool_call_id: 't', content: 'not json' }] }, context), {
    ok: false,
    message: 'error transforming to bedrock://llm/v1/chat: failed to decode function response arguments, not JSON format',
  });
  assert.deepEqual(
    bedrockDriver.toNative('llm/v1/chat', { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] }, { conf, model: 'amazon.titan-text-express-v1' }),
    { ok: false, message: "error transforming to bedrock://llm/v1/chat: system prompts are unsupported for model 'amazon.titan-text-express-v1" },
  );
  const badArguments = { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{oops' } }] };
  assert.deepEqual(bedrockDriver.toNative('llm/v1/chat', { messages: [badArguments] }, context), {
    ok: false,
    message: "error transforming to bedrock://llm/v1/chat: failed to decode function response arguments from assistant's message, not JSON format",
  });
  const parts = bedrockDriver.toNative('llm/v1/chat', { messages: [{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }, { role: 'user', content: 'u' }] }, context);
  assert.ok(parts.ok);
  assert.deepEqual((parts.value as { system: unknown }).system, [{ text: 'Be brief.' }]);
  assert.deepEqual(bedrockDriver.toNative('llm/v1/completions', { prompt: 'x' }, context), { ok: false, message: 'no transformer for bedrock://llm/v1/completions' });
});

test('Converse answer → chat completion with usage and mapped finish reason', () => {
  assert.deepEqual(bedrockDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-response.json'), context), {
    ok: true,
    value: {
      choices: [{ index: 0, message: { role: 'assistant', content: 'Yes — 2.4 kg is under the 3 kg limit.' }, finish_reason: 'stop' }],
      model,
      object: 'chat.completion',
      usage: { prompt_tokens: 412, completion_tokens: 17, total_tokens: 429 },
    },
  });
});

test('toolUse blocks → tool_calls (no arguments for empty input), trace passed through', () => {
  const result = bedrockDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-response-tools.json'), context);
  assert.ok(result.ok);
  const value = result.value as unknown as { choices: Array<{ message: unknown; finish_reason: string }>; trace: unknown };
  assert.deepEqual(value.choices[0].message, {
    role: 'assistant',
    content: 'Let me check both parcels.',
    tool_calls: [
      { id: 'tooluse_a1', type: 'function', function: { name: 'parcel_weight', arguments: '{"parcel_id":"7731"}' } },
      { id: 'tooluse_b2', type: 'function', function: { name: 'list_parcels' } },
    ],
  });
  assert.equal(value.choices[0].finish_reason, 'tool_calls');
  assert.deepEqual(value.trace, { guardrail: { modelOutput: [] } });
});

test('finish reasons: max_tokens → length, guardrail_intervened kept, unknown → stop; error bodies fail', () => {
  const reason = (stopReason: string) => {
    const result = bedrockDriver.fromNative('llm/v1/chat', { output: { message: { content: [{ text: 'x' }] } }, stopReason }, context);
    assert.ok(result.ok);
    return (result.value as { choices: Array<{ finish_reason: string }> }).choices[0].finish_reason;
  };
  assert.equal(reason('max_tokens'), 'length');
  assert.equal(reason('guardrail_intervened'), 'guardrail_intervened');
  assert.equal(reason('content_filtered'), 'stop');
  assert.deepEqual(bedrockDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'error-400.json'), context), {
    ok: false,
    message: 'no generation candidates received from Bedrock, or max_tokens too short',
  });
});

test('embeddings: Titan single input, Cohere batch; responses → OpenAI list', () => {
  const titan = { conf, model: 'amazon.titan-embed-text-v2:0' };
  assert.deepEqual(bedrockDriver.toNative('llm/v1/embeddings', { input: 'hello', dimensions: 256 }, titan), { ok: true, value: { inputText: 'hello', dimensions: 256 } });
  assert.equal(bedrockDriver.toNative('llm/v1/embeddings', { input: ['a', 'b'] }, titan).ok, false);
  const cohere = { conf, model: 'cohere.embed-english-v3' };
  assert.deepEqual(bedrockDriver.toNative('llm/v1/embeddings', { input: ['first', 'second'] }, cohere), { ok: true, value: { texts: ['first', 'second'], input_type: 'search_document' } });

  assert.deepEqual(bedrockDriver.fromNative('llm/v1/embeddings', fixtureJson(import.meta.url, 'embeddings-titan-response.json'), titan), {
    ok: true,
    value: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.0415, -0.0123, 0.0871, 0.0032] }], model: titan.model, usage: { prompt_tokens: 6, total_tokens: 6 } },
  });
  const batch = bedrockDriver.fromNative('llm/v1/embeddings', fixtureJson(import.meta.url, 'embeddings-cohere-response.json'), cohere);
  assert.ok(batch.ok);
  assert.deepEqual((batch.value as { data: Array<{ embedding: unknown }> }).data.map((d) => d.embedding), [[0.011, 0.022], [0.033, -0.044]]);
  assert.equal(bedrockDriver.fromNative('llm/v1/embeddings', { message: 'nope' }, cohere).ok, false);
});
