import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRequest, decideStreaming, identifyRequest } from './validate.ts';
import type { LlmConf } from './conf.ts';

const chat: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'openai', name: 'gpt-4o' } };
const messages = [{ role: 'user', content: 'hi' }];

function rejection(conf: LlmConf, body: unknown): unknown {
  const result = validateRequest(conf, body);
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return undefined;
  assert.equal(result.status, 400);
  return result.body;
}

test('bodies without prompts are rejected first (even with a bad model)', () => {
  const expected = { error: { message: "request body doesn't contain valid prompts" } };
  assert.deepEqual(rejection(chat, { segassem: messages, model: 'other' }), expected);
  assert.deepEqual(rejection(chat, undefined), expected);
  assert.deepEqual(rejection(chat, { messages: [] }), expected);
  assert.deepEqual(rejection(chat, { messages: ['text'] }), expected);
  assert.deepEqual(rejection({ ...chat, route_type: 'llm/v1/embeddings' }, { prompt: 'x' }), expected);
});

test('own model refused when the conf names one; taken from the body otherwise', () => {
  assert.deepEqual(rejection(chat, { messages, model: 'try-to-override-the-model' }), {
    error: { message: 'cannot use own model - must be: gpt-4o' },
  });
  const same = validateRequest(chat, { messages, model: 'gpt-4o' });
  assert.ok(same.ok);
  const unnamed: LlmConf = { route_type: 'llm/v1/chat', model: { provider: 'openai' } };
  const fromBody = validateRequest(unnamed, { messages, model: 'gpt-4.1' });
  assert.ok(fromBody.ok);
  assert.equal(fromBody.value.model, 'gpt-4.1');
  assert.deepEqual(rejection(unnamed, { messages }), {
    error: { message: 'model parameter not found in request, nor in gateway configuration' },
  });
});

test('format must match the route type', () => {
  assert.deepEqual(rejection(chat, { prompt: 'hello' }), {
    error: { message: '[llm/v1/completions] message format is not compatible with [llm/v1/chat] route type' },
  });
  assert.deepEqual(rejection({ ...chat, route_type: 'llm/v1/completions' }, { messages }), {
    error: { message: '[llm/v1/chat] message format is not compatible with [llm/v1/completions] route type' },
  });
  assert.deepEqual(rejection(chat, { messages, prompt: 'both' }), {
    error: { message: 'request matches multiple LLM request formats' },
  });
  assert.deepEqual(identifyRequest({}), { ok: false, message: 'request format not recognised' });
  assert.deepEqual(identifyRequest({ input: ['a'] }), { ok: true, value: 'llm/v1/embeddings' });
});

test('response_streaming: deny rejects, always forces, allow follows the client', () => {
  assert.deepEqual(rejection({ ...chat, response_streaming: 'deny' }, { messages, stream: true }), {
    error: { message: 'response streaming is not enabled for this LLM' },
  });
  const denied = validateRequest({ ...chat, response_streaming: 'deny' }, { messages });
  assert.ok(denied.ok);
  assert.equal(denied.value.stream, false);
  const forced = validateRequest({ ...chat, response_streaming: 'always' }, { messages });
  assert.ok(forced.ok);
  assert.equal(forced.value.stream, true);
  assert.equal((forced.value.request as { stream?: boolean }).stream, true);
  assert.deepEqual(decideStreaming(chat, true), { ok: true, stream: true });
  assert.deepEqual(decideStreaming(chat, false), { ok: true, stream: false });
  const embeddings = validateRequest({ ...chat, route_type: 'llm/v1/embeddings', response_streaming: 'always' }, { input: 'x' });
  assert.ok(embeddings.ok);
  assert.equal(embeddings.value.stream, false);
});

test('configured sampling options override the client values; others untouched', () => {
  const conf: LlmConf = { ...chat, model: { ...chat.model, options: { max_tokens: 512, temperature: 0.5, top_p: null } } };
  const body = { messages, max_tokens: 9999, temperature: 2, top_p: 0.3 };
  const result = validateRequest(conf, body);
  assert.ok(result.ok);
  assert.deepEqual(result.value.request, { messages, max_tokens: 512, temperature: 0.5, top_p: 0.3 });
  assert.equal(body.max_tokens, 9999, 'client body not mutated');
});

test('preserve skips prompt checks but still enforces model and streaming rules', () => {
  const preserve: LlmConf = { route_type: 'preserve', model: { provider: 'openai' } };
  const anything = validateRequest(preserve, { whatever: true });
  assert.ok(anything.ok);
  assert.equal(anything.value.model, undefined);
  assert.equal(anything.value.routeType, 'preserve');
  assert.deepEqual(rejection({ ...preserve, model: { provider: 'openai', name: 'a' } }, { model: 'b' }), {
    error: { message: 'cannot use own model - must be: a' },
  });
  assert.deepEqual(rejection({ ...preserve, response_streaming: 'deny' }, { stream: true }), {
    error: { message: 'response streaming is not enabled for this LLM' },
  });
});
