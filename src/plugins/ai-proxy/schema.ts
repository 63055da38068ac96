// ai-proxy config — kong/plugins/ai-proxy/schema.lua: the shared LLM schema (route_type, auth,
// model, logging) plus the ai-proxy-only fields, with Kong's provider entity checks.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';
import { llmConfigFields, providerRequirementsCheck } from '../../llm/schema.ts';

export const aiProxySchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      ...llmConfigFields,
      response_streaming: {
        type: 'string', required: false, default: 'allow', one_of: ['allow', 'deny', 'always'],
        description: 'Whether clients may stream (allow), must not (deny) or always get a stream (always).',
      },
      max_request_body_size: { type: 'integer', default: 8 * 1024, gt: 0, description: 'Largest client body parsed for introspection.' },
      model_name_header: { type: 'boolean', default: true, description: 'Send X-Kong-LLM-Model with the provider/model that answered.' },
      llm_format: { type: 'string', required: false, default: 'openai', one_of: ['openai', 'bedrock', 'gemini'] },
    },
    entity_checks: [{ custom_entity_check: providerRequirementsCheck }],
  },
} as const satisfies PluginSchema;
