import { test } from 'node:test';
import assert from 'node:assert/strict';
import { azureDriver, supportsStreamUsage } from './driver.ts';
import type { LlmConf } from '../../conf.ts';
import { STREAM_DONE } from '../types.ts';
import type { ChatChunk } from '../../protocols/openai.ts';
import { feedInPieces, fixtureJson, fixtureText, SPLITS, upstreamInput } from '../../streaming/test-helpers.ts';

const here = import.meta.url;
const options = { azure_instance: 'portico-eu', azure_deployment_id: 'gpt4o-prod', azure_api_version: '2024-10-21' };
const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'api-key', header_value: 'az-key' },
  model: { provider: 'azure', name: 'gpt-4o', options },
};

test('upstream: deployment URL, api-version from conf, api-key header', () => {
  const result = azureDriver.upstream(upstreamInput(conf));
  assert.ok(result.ok);
  assert.equal(result.value.url, 'https://portico-eu.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
  assert.equal(result.value.headers['api-key'], 'az-key');
  const embeddings = azureDriver.upstream(upstreamInput({ ...conf, route_type: 'llm/v1/embeddings' }));
  assert.ok(embeddings.ok);
  assert.match(embeddings.value.url, /\/gpt4o-prod\/embeddings\?api-version=2024-10-21$/);
});

test("upstream: the client's api-version wins; default version when unset", () => {
  const client = azureDriver.upstream(upstreamInput(conf, { clientQuery: 'api-version=2025-01-01-preview&x=1' }));
  assert.ok(client.ok);
  assert.equal(new URL(client.value.url).searchParams.get('api-version'), '2025-01-01-preview');
  assert.equal(new URL(client.value.url).searchParams.get('x'), '1');
  const defaults = azureDriver.upstream(upstreamInput({ ...conf, route_type: 'llm/v1/completions', model: { provider: 'azure', options: { azure_instance: 'i', azure_deployment_id: 'd' } } }));
  assert.ok(defaults.ok);
  assert.equal(defaults.value.url, 'https://i.openai.azure.com/openai/deployments/d/completions?api-version=2023-05-15');
});

test('upstream: Entra ID token with managed identity; missing instance is an error', () => {
  const identity: LlmConf = { ...conf, auth: { azure_use_managed_identity: true } };
  const result = azureDriver.upstream(upstreamInput(identity, { credentials: { bearerToken: 'eyJ.token' } }));
  assert.ok(result.ok);
  assert.equal(result.value.headers.authorization, 'Bearer eyJ.token');
  assert.equal(result.value.headers['api-key'], undefined);
  const missing = azureDriver.upstream(upstreamInput({ ...conf, model: { provider: 'azure', options: { azure_instance: 'i' } } }));
  assert.equal(missing.ok, false);
});

test('request: OpenAI passthrough; stream usage requested only on API versions that accept it', () => {
  assert.equal(supportsStreamUsage('2024-09-01-preview'), true);
  assert.equal(supportsStreamUsage('2024-06-01'), false);
  const request = { messages: [{ role: 'user', content: 'hi' }], stream: true };
  const modern = azureDriver.toNative('llm/v1/chat', request, { conf, model: 'gpt-4o' });
  assert.ok(modern.ok);
  assert.deepEqual(modern.value, { ...request, model: 'gpt-4o', stream_options: { include_usage: true } });
  const oldConf: LlmConf = { ...conf, model: { ...conf.model, options: { ...options, azure_api_version: '2023-05-15' } } };
  const old = azureDriver.toNative('llm/v1/chat', request, { conf: oldConf, model: 'gpt-4o' });
  assert.ok(old.ok);
  assert.equal((old.value as Record<string, unknown>).stream_options, undefined);
});

test('response passes through; error bodies are not translatable', () => {
  const body = fixtureJson(here, 'chat-response.json');
  assert.deepEqual(azureDriver.fromNative('llm/v1/chat', body, { conf, model: 'gpt-4o' }), { ok: true, value: body });
  assert.equal(azureDriver.fromNative('llm/v1/chat', fixtureJson(here, 'error-401.json'), { conf, model: 'gpt-4o' }).ok, false);
});

test('stream: filter-results chunk kept, injected usage recorded and hidden', () => {
  for (const sizes of SPLITS) {
    const translator = azureDriver.createStreamTranslator('llm/v1/chat', { conf, model: 'gpt-4o', request: { messages: [], stream: true } })!;
    const items = feedInPieces(translator, fixtureText(here, 'chat-stream.txt'), sizes);
    assert.equal(items.length, 5, `split ${sizes}`);
    assert.deepEqual((items[0] as ChatChunk).choices, []);
    assert.equal((items[2] as ChatChunk).choices[0]!.delta.content, 'Two.');
    assert.equal(items[4], STREAM_DONE);
    assert.deepEqual(translator.summary().usage, { completion_tokens: 2, prompt_tokens: 20, total_tokens: 22 });
  }
});
