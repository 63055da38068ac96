import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineSchema, validateEntity } from '../../schema/index.ts';
import { aiRequestTransformerSchema } from './schema.ts';

const schema = defineSchema({ name: 'ai-request-transformer', fields: { config: aiRequestTransformerSchema.config } });
const llm = { route_type: 'llm/v1/chat', model: { provider: 'openai', name: 'gpt-4' } };

it("fills Kong's transformer defaults", () => {
  const config = (validateEntity(schema, { config: { prompt: 'p', llm } }, 'insert') as Record<string, any>).config;
  assert.equal(config.http_timeout, 60000);
  assert.equal(config.https_verify, true);
  assert.equal(config.max_request_body_size, 8192);
  assert.equal(config.llm.logging.log_statistics, false);
});

it('accepts only llm/v1/chat and applies the provider checks', () => {
  assert.throws(() => validateEntity(schema, { config: { prompt: 'p', llm: { ...llm, route_type: 'llm/v1/completions' } } }, 'insert'),
    /'config.llm.route_type' must be 'llm\/v1\/chat' for AI transformer plugins/);
  assert.throws(() => validateEntity(schema, { config: { prompt: 'p', llm: { route_type: 'llm/v1/chat', model: { provider: 'anthropic' } } } }, 'insert'),
    /anthropic_version/);
  assert.throws(() => validateEntity(schema, { config: { llm } }, 'insert'), /prompt/);
  assert.throws(() => validateEntity(schema, { config: { prompt: 'p', llm, http_proxy_host: 'proxy' } }, 'insert'), /http_proxy_port/);
});
