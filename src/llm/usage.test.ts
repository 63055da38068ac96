import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAnalyticsRecord, completionCharacters, computeCost, estimateTokens, promptCharacters, resolveUsage, timePerToken } from './usage.ts';
import type { LlmConf } from './conf.ts';

const conf: LlmConf = {
  route_type: 'llm/v1/chat',
  model: { provider: 'openai', name: 'gpt-3.5-turbo', options: { input_cost: 10, output_cost: 10 } },
  logging: { log_statistics: true, log_payloads: false },
};

test('reported usage is used as is and not flagged', () => {
  assert.deepEqual(resolveUsage({ reported: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37 } }), {
    prompt_tokens: 25, completion_tokens: 12, total_tokens: 37, estimated: false,
  });
});

test('missing counts are estimated at ceil(chars / 4) and flagged', () => {
  const request = { messages: [{ role: 'user', content: 'What is 1 + 1?' }, { role: 'user', content: [{ type: 'text', text: 'abcd' }, { type: 'image_url', image_url: { url: 'x' } }] }] };
  assert.equal(promptCharacters(request), 18);
  assert.deepEqual(resolveUsage({ reported: null, request, completionChars: 25 }), {
    prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, estimated: true,
  });
  // Partial: reported prompt, estimated completion.
  assert.deepEqual(resolveUsage({ reported: { prompt_tokens: 3 }, completionChars: 8 }), {
    prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, estimated: true,
  });
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('abcde'), 2);
  assert.equal(promptCharacters({ prompt: 'abc' }), 3);
  assert.equal(promptCharacters({ input: ['ab', 'cd'] }), 4);
  assert.equal(completionCharacters({ object: 'text_completion', choices: [{ index: 0, text: 'abc', finish_reason: 'stop' }] }), 3);
});

test('cost is per million tokens; unset prices count zero', () => {
  assert.equal(computeCost({ prompt_tokens: 25, completion_tokens: 12 }, conf.model.options), 0.00037);
  assert.equal(computeCost({ prompt_tokens: 1_000_000, completion_tokens: 2_000_000 }, { input_cost: 0.5, output_cost: 1.5 }), 3.5);
  assert.equal(computeCost({ prompt_tokens: 1_000_000, completion_tokens: 5 }, { input_cost: 2 }), 2);
  assert.equal(computeCost({ prompt_tokens: 100, completion_tokens: 100 }, null), 0);
});

test('time per token is latency / completion tokens, 0 without completion', () => {
  assert.equal(timePerToken(300, 12), 25);
  assert.equal(timePerToken(300, 0), 0);
});

test("analytics record uses Kong's ai.proxy keys", () => {
  const record = buildAnalyticsRecord({
    conf, pluginId: 'p-1', requestModel: 'gpt-3.5-turbo', responseModel: 'gpt-3.5-turbo-0613', latencyMs: 120.4,
    usage: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37, estimated: false },
  });
  assert.deepEqual(record, {
    meta: { plugin_id: 'p-1', provider_name: 'openai', request_model: 'gpt-3.5-turbo', response_model: 'gpt-3.5-turbo-0613', llm_latency: 120 },
    usage: { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37, time_per_token: 10, cost: 0.00037 },
  });
});

test('analytics: estimates flagged, azure extras, payloads, and nothing when logging is off', () => {
  const azure: LlmConf = {
    route_type: 'llm/v1/chat',
    model: { provider: 'azure', options: { azure_instance: 'inst', azure_deployment_id: 'dep', azure_api_version: '2024-10-21' } },
    logging: { log_statistics: true, log_payloads: true },
  };
  const record = buildAnalyticsRecord({
    conf: azure, pluginId: 'p', requestModel: undefined, responseModel: undefined, latencyMs: 0,
    usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1, estimated: true }, requestPayload: '{}', responsePayload: '{"a":1}',
  });
  assert.deepEqual(record?.meta, {
    plugin_id: 'p', provider_name: 'azure', request_model: 'UNSPECIFIED', response_model: 'UNSPECIFIED', llm_latency: 0,
    azure_instance_id: 'inst', azure_deployment_id: 'dep', azure_api_version: '2024-10-21',
  });
  assert.equal(record?.usage?.estimated, true);
  assert.deepEqual(record?.payload, { request: '{}', response: '{"a":1}' });
  const zero = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, estimated: false };
  const off = buildAnalyticsRecord({ conf: { ...conf, logging: null }, pluginId: 'p', requestModel: 'm', responseModel: 'm', latencyMs: 1, usage: zero });
  assert.equal(off, undefined);
  // Kong's serialize-analytics returns early without log_statistics, payloads included.
  const payloadsOnly = buildAnalyticsRecord({ conf: { ...conf, logging: { log_payloads: true } }, pluginId: 'p', requestModel: 'm', responseModel: 'm', latencyMs: 1, usage: zero, requestPayload: '{}' });
  assert.equal(payloadsOnly, undefined);
});

test('transformer flavour: floored time_per_token, cost only with prices, empty cache', () => {
  const usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, estimated: false };
  const priced = buildAnalyticsRecord({ conf, pluginId: 'p', requestModel: 'm', responseModel: 'm', latencyMs: 100, usage, transformer: true });
  assert.deepEqual(priced, {
    meta: { plugin_id: 'p', provider_name: 'openai', request_model: 'm', response_model: 'm', llm_latency: 100 },
    usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, time_per_token: 33, cost: 0.00013 },
    cache: {},
  });
  const unpriced = buildAnalyticsRecord({ conf: { ...conf, model: { provider: 'openai' } }, pluginId: 'p', requestModel: 'm', responseModel: 'm', latencyMs: 100, usage, transformer: true });
  assert.equal(unpriced && 'cost' in unpriced.usage, false);
});
