// ai-prompt-template config — kong/plugins/ai-prompt-template/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

export const aiPromptTemplateSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      templates: {
        type: 'array', required: true,
        elements: {
          type: 'record', required: true,
          fields: {
            name: { type: 'string', required: true, description: 'Unique name, referenced as {template://name}.' },
            template: { type: 'string', required: true, description: 'The request body with {{property}} placeholders.' },
          },
        },
      },
      allow_untemplated_requests: { type: 'boolean', required: true, default: true },
      log_original_request: { type: 'boolean', required: true, default: false },
      max_request_body_size: { type: 'integer', default: 8 * 1024, gt: 0 },
    },
  },
} as const satisfies PluginSchema;
