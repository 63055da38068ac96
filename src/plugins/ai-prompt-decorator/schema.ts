// ai-prompt-decorator config — kong/plugins/ai-prompt-decorator/schema.lua.
import type { FieldDef } from '../../schema/index.ts';
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

const promptArray = {
  type: 'array', required: false, len_max: 15,
  elements: {
    type: 'record', required: true,
    fields: {
      role: { type: 'string', required: true, default: 'system', one_of: ['system', 'assistant', 'user'] },
      content: { type: 'string', required: true, len_min: 1, len_max: 500 },
    },
  },
} as const satisfies FieldDef;

export const aiPromptDecoratorSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      prompts: {
        type: 'record', required: false,
        fields: { prepend: promptArray, append: promptArray },
        entity_checks: [{ at_least_one_of: ['prepend', 'append'] }],
      },
      max_request_body_size: { type: 'integer', default: 8 * 1024, gt: 0 },
      llm_format: { type: 'string', required: false, default: 'openai', one_of: ['openai', 'bedrock', 'gemini'] },
    },
  },
} as const satisfies PluginSchema;
