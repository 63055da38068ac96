import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDERS, getProvider, providerNames } from './index.ts';
import { STREAM_DONE } from './types.ts';
import type { LlmConf } from '../conf.ts';

const KONG_PROVIDERS = ['openai', 'azure', 'anthropic', 'cohere', 'mistral', 'llama2', 'gemini', 'bedrock', 'huggingface'];

test("the registry holds Kong's nine providers under their own names", () => {
  assert.deepEqual([...providerNames()].sort(), [...KONG_PROVIDERS].sort());
  for (const [name, driver] of PROVIDERS) assert.equal(driver.name, name);
  assert.equal(getProvider('not-a-provider'), undefined);
});

test('every chat stream translator ends an empty stream with exactly one [DONE] and no usage', () => {
  for (const driver of PROVIDERS.values()) {
    if (!driver.routeTypes.includes('llm/v1/chat')) continue;
    const conf: LlmConf = {
      route_type: 'llm/v1/chat',
      model: { provider: driver.name, name: 'm', options: { llama2_format: 'openai', mistral_format: 'openai', upstream_url: 'http://127.0.0.1:1/x' } },
    };
    const translator = driver.createStreamTranslator('llm/v1/chat', { conf, model: 'm' });
    if (!translator) continue;
    const items = [...translator.push(new Uint8Array(0)), ...translator.end()];
    assert.equal(items.filter((item) => item === STREAM_DONE).length, 1, driver.name);
    assert.equal(translator.summary().usage, null, driver.name);
    assert.equal(translator.summary().completed, false, driver.name);
  }
});

test("Set-Cookie is cleared for the providers Kong clears it for", () => {
  for (const name of ['openai', 'azure', 'mistral']) assert.deepEqual(getProvider(name)?.clearResponseHeaders, ['set-cookie'], name);
  assert.equal(getProvider('anthropic')?.clearResponseHeaders, undefined);
});
