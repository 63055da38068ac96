import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiDriver } from './driver.ts';
import type { LlmConf } from '../../conf.ts';
import { STREAM_DONE } from '../types.ts';
import type { ChatChunk, ChatRequest } from '../../protocols/openai.ts';
import { feedInPieces, fixtureJson, fixtureText, SPLITS, upstreamInput } from '../../streaming/test-helpers.ts';

const here = import.meta.url;
const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: 'Bearer sk-test' },
  model: { provider: 'openai', name: 'gpt-4o-mini' },
};

test('chat request: passthrough with model, explicit stream:false and no top_k', () => {
  const result = openaiDriver.toNative('llm/v1/chat', fixtureJson(here, 'chat-request.json'), { conf, model: 'gpt-4o-mini' });
  assert.ok(result.ok);
  assert.deepEqual(result.value, fixtureJson(here, 'chat-native-request.json'));
});

test('streamed request asks for usage in the stream', () => {
  const request: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], stream: true };
  const result = openaiDriver.toNative('llm/v1/chat', request, { conf, model: 'gpt-4o-mini' });
  assert.ok(result.ok);
  assert.deepEqual(result.value, { messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, model: 'gpt-4o-mini' });
});

test('body auth param is written into the request body (openai keeps the table)', () => {
  const bodyConf: LlmConf = { ...conf, auth: { param_name: 'apikey', param_value: 'k1', param_location: 'body' } };
  const result = openaiDriver.toNative('llm/v1/completions', { prompt: 'x' }, { conf: bodyConf, model: 'm' });
  assert.ok(result.ok);
  assert.deepEqual(result.value, { prompt: 'x', model: 'm', stream: false, apikey: 'k1' });
});

test('preserve has no transformer', () => {
  const result = openaiDriver.toNative('preserve', { prompt: 'x' }, { conf, model: 'm' });
  assert.deepEqual(result, { ok: false, message: 'no transformer for openai://preserve' });
});

test('responses pass through verbatim; missing choices/data is a translation error', () => {
  const chat = fixtureJson(here, 'chat-response.json');
  assert.deepEqual(openaiDriver.fromNative('llm/v1/chat', chat, { conf, model: 'gpt-4o-mini' }), { ok: true, value: chat });
  const completion = fixtureJson(here, 'completions-response.json');
  assert.deepEqual(openaiDriver.fromNative('llm/v1/completions', completion, { conf, model: 'x' }), { ok: true, value: completion });
  const embeddings = fixtureJson(here, 'embeddings-response.json');
  assert.deepEqual(openaiDriver.fromNative('llm/v1/embeddings', embeddings, { conf, model: 'x' }), { ok: true, value: embeddings });
  assert.deepEqual(openaiDriver.fromNative('llm/v1/chat', fixtureJson(here, 'error-401.json'), { conf, model: 'x' }), {
    ok: false,
    message: "'choices' not in llm/v1/chat response",
  });
  assert.deepEqual(openaiDriver.fromNative('llm/v1/embeddings', { object: 'list' }, { conf, model: 'x' }), {
    ok: false,
    message: "'data' not in llm/v1/embeddings response",
  });
  assert.equal(openaiDriver.fromNative('llm/v1/chat', 'not json', { conf, model: 'x' }).ok, false);
});

test('stream: chunks re-emitted, usage recorded but hidden from a client that did not ask', () => {
  const stream = fixtureText(here, 'chat-stream.txt');
  for (const sizes of SPLITS) {
    const translator = openaiDriver.createStreamTranslator('llm/v1/chat', { conf, model: 'gpt-4o-mini', request: { messages: [], stream: true } })!;
    const items = feedInPieces(translator, stream, sizes);
    assert.equal(items.length, 5, `split ${sizes}`);
    assert.equal(items.at(-1), STREAM_DONE);
    const chunks = items.slice(0, -1) as ChatChunk[];
    assert.ok(chunks.every((chunk) => !('usage' in chunk)));
    assert.equal(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join(''), 'Två is 2 🙂');
    const summary = translator.summary();
    assert.deepEqual(summary.usage, { prompt_tokens: 14, completion_tokens: 4, total_tokens: 18 });
    assert.equal(summary.finish_reason, 'stop');
    assert.equal(summary.model, 'gpt-4o-mini-2024-07-18');
    assert.equal(summary.id, 'chatcmpl-Portico0002');
    assert.equal(summary.completed, true);
  }
});

test('stream: the usage chunk is forwarded when the client asked for it', () => {
  const request: ChatRequest = { messages: [], stream: true, stream_options: { include_usage: true } };
  const translator = openaiDriver.createStreamTranslator('llm/v1/chat', { conf, model: 'm', request })!;
  const items = feedInPieces(translator, fixtureText(here, 'chat-stream.txt'), [11]);
  assert.equal(items.length, 6);
  assert.deepEqual((items[4] as ChatChunk).usage, { prompt_tokens: 14, completion_tokens: 4, total_tokens: 18 });
  assert.equal(translator.summary().usage?.total_tokens, 18);
});

test('stream cut short: a clean [DONE] is still emitted but the summary says incomplete', () => {
  const stream = fixtureText(here, 'chat-stream.txt');
  const translator = openaiDriver.createStreamTranslator('llm/v1/chat', { conf, model: 'm' })!;
  const items = feedInPieces(translator, stream.slice(0, stream.indexOf('" is 2')), [50]);
  assert.equal(items.at(-1), STREAM_DONE);
  assert.equal(items.filter((item) => item === STREAM_DONE).length, 1);
  assert.equal(translator.summary().completed, false);
  assert.equal(translator.summary().usage, null);
  assert.equal(translator.summary().completion_chars, 'Två'.length);
});

test('embeddings cannot stream', () => {
  assert.equal(openaiDriver.createStreamTranslator('llm/v1/embeddings', { conf, model: 'm' }), undefined);
});

test('upstream: default host and operation paths, header auth', () => {
  const chat = openaiDriver.upstream(upstreamInput(conf));
  assert.ok(chat.ok);
  assert.equal(chat.value.url, 'https://api.openai.com/v1/chat/completions');
  assert.equal(chat.value.method, 'POST');
  assert.deepEqual(chat.value.headers, { authorization: 'Bearer sk-test', 'content-type': 'application/json', 'accept-encoding': 'identity' });
  const embeddings = openaiDriver.upstream(upstreamInput({ ...conf, route_type: 'llm/v1/embeddings' }));
  assert.ok(embeddings.ok);
  assert.equal(embeddings.value.url, 'https://api.openai.com/v1/embeddings');
});

test('upstream: allow_override lets a client header through, otherwise conf wins', () => {
  const clientHeaders = { authorization: 'Bearer client' };
  const forced = openaiDriver.upstream(upstreamInput(conf, { clientHeaders }));
  assert.ok(forced.ok);
  assert.equal(forced.value.headers.authorization, 'Bearer sk-test');
  const overridable: LlmConf = { ...conf, auth: { ...conf.auth, allow_override: true } };
  const kept = openaiDriver.upstream(upstreamInput(overridable, { clientHeaders }));
  assert.ok(kept.ok);
  assert.equal(kept.value.headers.authorization, undefined);
});

test('upstream: query auth keeps client query args; upstream_url and upstream_path', () => {
  const queryConf: LlmConf = {
    ...conf,
    auth: { param_name: 'key', param_value: 'k&1', param_location: 'query' },
    model: { provider: 'openai', name: 'x', options: { upstream_url: 'http://127.0.0.1:8080/custom/chat' } },
  };
  const result = openaiDriver.upstream(upstreamInput(queryConf, { clientQuery: 'a=1&key=client' }));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'http://127.0.0.1:8080/custom/chat?a=1&key=k%261');
  const pathConf: LlmConf = { ...conf, model: { provider: 'openai', options: { upstream_path: '/v2/chat' } } };
  const withPath = openaiDriver.upstream(upstreamInput(pathConf));
  assert.ok(withPath.ok);
  assert.equal(withPath.value.url, 'https://api.openai.com/v2/chat');
});

test('upstream: preserve forwards the client method and full path, body untouched', () => {
  const preserve: LlmConf = { ...conf, route_type: 'preserve' };
  const result = openaiDriver.upstream(upstreamInput(preserve, { clientMethod: 'GET', clientPath: '/openai/v1/models' }));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'https://api.openai.com/openai/v1/models');
  assert.equal(result.value.method, 'GET');
  assert.equal(result.value.headers['content-type'], undefined);
});
