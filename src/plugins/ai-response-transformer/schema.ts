// ai-response-transformer config — kong/plugins/ai-response-transformer/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';
import { transformerConfigFields, transformerEntityChecks } from '../../llm/schema.ts';

export const aiResponseTransformerSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      ...transformerConfigFields,
      parse_llm_response_json_instructions: { type: 'boolean', required: true, default: false },
    },
    entity_checks: transformerEntityChecks,
  },
} as const satisfies PluginSchema;
