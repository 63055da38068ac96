import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmConf } from '../../conf.ts';
import type { ChatRequest } from '../../protocols/openai.ts';
import { fixtureJson } from '../../streaming/test-helpers.ts';
import { geminiDriver } from './index.ts';
import { isGeminiSafetyFailure } from './response.ts';

const conf: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'gemini', name: 'gemini-1.5-pro' } };
const context = { conf, model: 'gemini-1.5-pro' };

test('chat request → native body (exact)', () => {
  const result = geminiDriver.toNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-request.json'), context);
  assert.deepEqual(result, { ok: true, value: fixtureJson(import.meta.url, 'chat-request.native.json') });
});

test('configured options win over the client values; no system → no systemInstruction', () => {
  const withOptions: LlmConf = { ...conf, model: { ...conf.model, options: { max_tokens: 8192, temperature: 0.8, top_p: 0.6, top_k: 1 } } };
  const result = geminiDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, temperature: 1 }, { conf: withOptions, model: 'gemini-1.5-pro' });
  assert.ok(result.ok);
  assert.deepEqual(result.value, {
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    generationConfig: { maxOutputTokens: 8192, temperature: 0.8, topK: 1, topP: 0.6 },
  });
});

test('system messages given as text parts are concatenated too', () => {
  const result = geminiDriver.toNative('llm/v1/chat', { messages: [{ role: 'system', content: [{ type: 'text', text: 'Be ' }, { type: 'text', text: 'brief.' }] }, { role: 'developer', content: 'x' }] }, context);
  assert.ok(result.ok);
  const body = result.value as { systemInstruction: unknown; contents: unknown };
  assert.deepEqual(body.systemInstruction, { parts: [{ text: 'Be brief.' }] });
  assert.deepEqual(body.contents, [{ role: 'user', parts: [{ text: 'x' }] }]);
});

test('tool results and assistant tool calls use Kong\'s function-role shapes', () => {
  const result = geminiDriver.toNative('llm/v1/chat', {
    messages: [
      { role: 'user', content: 'altitude?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup_altitude', arguments: '{"city":"Quito"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"metres":2850}' },
    ],
  }, context);
  assert.ok(result.ok);
  const body = result.value as { contents: unknown[] };
  assert.deepEqual(body.contents.slice(1), [
    { role: 'function', parts: [{ function_call: { name: 'lookup_altitude' } }] },
    { role: 'function', parts: [{ function_response: { response: { content: ['{"metres":2850}'] }, name: 'get_product_info' } }] },
  ]);
});

test('tool_choice maps to function_calling_config; a client tool_config wins', () => {
  const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
  const config = (choice: unknown, extra: Record<string, unknown> = {}) => {
    const result = geminiDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: 'x' }], tools, tool_choice: choice as 'auto', ...extra }, context);
    assert.ok(result.ok);
    return (result.value as { tool_config?: unknown }).tool_config;
  };
  assert.deepEqual(config('auto'), { function_calling_config: { mode: 'AUTO' } });
  assert.deepEqual(config('required'), { function_calling_config: { mode: 'ANY' } });
  assert.deepEqual(config('none'), { function_calling_config: { mode: 'NONE' } });
  assert.deepEqual(config({ type: 'function', function: { name: 'f' } }), { function_calling_config: { mode: 'ANY', allowed_function_names: ['f'] } });
  assert.deepEqual(config('auto', { tool_config: { function_calling_config: { mode: 'NONE' } } }), { function_calling_config: { mode: 'NONE' } });
});

test('request errors carry Kong\'s messages', () => {
  const system = geminiDriver.toNative('llm/v1/chat', { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] }, { conf, model: 'gemini-1.0-pro' });
  assert.deepEqual(system, { ok: false, message: "error transforming to gemini://llm/v1/chat: system prompts aren't supported on gemini-1.0 models" });
  const part = geminiDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] }, context);
  assert.deepEqual(part, { ok: false, message: "error transforming to gemini://llm/v1/chat: cannot transform part of type 'input_audio' to Gemini format" });
  const empty = geminiDriver.toNative('llm/v1/chat', { messages: [{ role: 'user', content: [] }] }, context);
  assert.equal(empty.ok, false);
  assert.deepEqual(geminiDriver.toNative('llm/v1/completions', { prompt: 'x' }, context), { ok: false, message: 'no transformer for gemini://llm/v1/completions' });
});

test('native response → canonical chat completion with usage', () => {
  const result = geminiDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-response.json'), context);
  assert.deepEqual(result, {
    ok: true,
    value: {
      choices: [{ index: 0, message: { role: 'assistant', content: 'Water boils at 100 °C at sea level.' }, finish_reason: 'stop' }],
      model: 'gemini-1.5-pro',
      object: 'chat.completion',
      usage: { prompt_tokens: 31, completion_tokens: 12, total_tokens: 43 },
    },
  });
});

test('functionCall parts → tool_calls with JSON arguments', () => {
  const result = geminiDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'chat-response-tools.json'), context);
  assert.ok(result.ok);
  const message = (result.value as { choices: Array<{ message: { tool_calls: unknown } }> }).choices[0].message;
  assert.deepEqual(message.tool_calls, [
    { function: { name: 'lookup_altitude', arguments: '{"city":"La Paz"}' } },
    { function: { name: 'lookup_altitude', arguments: '{"city":"Quito"}' } },
  ]);
});

test('no candidates → Kong\'s reason; a safety stop has no choices but is detectable', () => {
  assert.deepEqual(geminiDriver.fromNative('llm/v1/chat', fixtureJson(import.meta.url, 'error-400.json'), context), {
    ok: false,
    message: 'no generation candidates received from Gemini, or max_tokens too short',
  });
  assert.deepEqual(geminiDriver.fromNative('llm/v1/chat', 'not json', context), { ok: false, message: 'failed to decode response from Gemini' });
  const safety = fixtureJson(import.meta.url, 'safety-response.json');
  const result = geminiDriver.fromNative('llm/v1/chat', safety, context);
  assert.ok(result.ok);
  assert.deepEqual((result.value as { choices: unknown[] }).choices, []);
  assert.equal(isGeminiSafetyFailure(safety), true);
  assert.equal(isGeminiSafetyFailure(fixtureJson(import.meta.url, 'chat-response.json')), false);
});

test('embeddings: batch request and response; Vertex uses predict instances', () => {
  const request = geminiDriver.toNative('llm/v1/embeddings', { input: ['a', 'b'], dimensions: 3 }, { conf, model: 'text-embedding-004' });
  assert.deepEqual(request, {
    ok: true,
    value: {
      requests: [
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3 },
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
      ],
    },
  });
  const vertexConf: LlmConf = { ...conf, model: { ...conf.model, options: { gemini: { api_endpoint: 'x', project_id: 'p', location_id: 'l' } } } };
  assert.deepEqual(geminiDriver.toNative('llm/v1/embeddings', { input: 'a' }, { conf: vertexConf, model: 'm' }), { ok: true, value: { instances: [{ content: 'a' }] } });
  assert.equal(geminiDriver.toNative('llm/v1/embeddings', { input: [1, 2] }, context).ok, false);

  const response = geminiDriver.fromNative('llm/v1/embeddings', fixtureJson(import.meta.url, 'embeddings-response.json'), { conf, model: 'text-embedding-004' });
  assert.deepEqual(response, {
    ok: true,
    value: {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0132, -0.0087, 0.0441] },
        { object: 'embedding', index: 1, embedding: [-0.0211, 0.0305, 0.0019] },
      ],
      model: 'text-embedding-004',
    },
  });
  const vertex = geminiDriver.fromNative('llm/v1/embeddings', { predictions: [{ embeddings: { values: [1, 2] } }] }, context);
  assert.ok(vertex.ok);
  assert.deepEqual((vertex.value as { data: Array<{ embedding: unknown }> }).data[0].embedding, [1, 2]);
  assert.equal(geminiDriver.fromNative('llm/v1/embeddings', { embeddings: [{}] }, context).ok, false);
});
