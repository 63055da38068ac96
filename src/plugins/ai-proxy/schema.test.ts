import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineSchema, validateEntity } from '../../schema/index.ts';
import { aiProxySchema } from './schema.ts';

const schema = defineSchema({ name: 'ai-proxy', fields: { config: aiProxySchema.config } });

function validate(config: Record<string, unknown>): Record<string, any> {
  return validateEntity(schema, { config }, 'insert') as Record<string, any>;
}

function errorOf(config: Record<string, unknown>): string {
  try {
    validate(config);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected a schema violation');
}

const openai = { route_type: 'llm/v1/chat', model: { provider: 'openai', name: 'gpt-4' } };

describe('ai-proxy schema', () => {
  it("fills Kong's defaults", () => {
    const config = validate(openai).config;
    assert.equal(config.response_streaming, 'allow');
    assert.equal(config.max_request_body_size, 8192);
    assert.equal(config.model_name_header, true);
    assert.equal(config.llm_format, 'openai');
    assert.deepEqual(config.logging, { log_statistics: false, log_payloads: false });
  });

  it('requires route_type and a known provider', () => {
    assert.match(errorOf({ model: { provider: 'openai' } }), /route_type/);
    assert.match(errorOf({ route_type: 'llm/v1/chat', model: { provider: 'skynet' } }), /expected one of/);
  });

  it("applies Kong's provider entity checks", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ route_type: 'llm/v1/chat', model: { provider: 'anthropic' } }, "must set 'model.options.anthropic_version' for anthropic provider"],
      [{ route_type: 'llm/v1/chat', model: { provider: 'llama2', options: { llama2_format: 'raw' } } }, "must set 'model.options.upstream_url' for self-hosted providers/models"],
      [{ route_type: 'llm/v1/chat', model: { provider: 'mistral' } }, "must set 'model.options.mistral_format' for mistral provider"],
      [{ route_type: 'llm/v1/chat', model: { provider: 'azure', options: { azure_deployment_id: 'd' } } }, "must set 'model.options.azure_instance' for azure provider"],
      [{ route_type: 'llm/v1/chat', auth: { allow_override: true }, model: { provider: 'gemini' } }, 'bedrock and gemini only support auth.allow_override = false'],
      [{ route_type: 'llm/v1/completions', logging: { log_statistics: true }, model: { provider: 'anthropic', options: { anthropic_version: 'v' } } }, 'anthropic does not support statistics when route_type is llm/v1/completions'],
      [{ route_type: 'preserve', llm_format: 'gemini', model: { provider: 'gemini' } }, "native provider options in llm_format can only be used with the 'llm/v1/chat' route_type"],
      [{ route_type: 'llm/v1/chat', llm_format: 'bedrock', model: { provider: 'gemini' } }, "native llm_format 'bedrock' can only be used with the 'bedrock' model.provider"],
    ];
    for (const [config, message] of cases) assert.ok(errorOf(config).includes(message), `${message} in ${errorOf(config)}`);
  });

  it('requires auth header name and value together and checks option ranges', () => {
    assert.match(errorOf({ ...openai, auth: { header_name: 'Authorization' } }), /header_value/);
    assert.match(errorOf({ ...openai, model: { provider: 'openai', options: { temperature: 6 } } }), /temperature/);
    assert.match(errorOf({ ...openai, model: { provider: 'openai', options: { input_cost: 0 } } }), /input_cost/);
    assert.match(errorOf({ ...openai, model: { provider: 'openai', options: { upstream_url: 'not a url' } } }), /upstream_url/);
  });
});
