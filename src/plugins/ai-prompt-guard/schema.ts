// ai-prompt-guard config — kong/plugins/ai-prompt-guard/schema.lua. Patterns are validated here
// on the linear-time engine, so a pattern that cannot run is refused at config time.
import type { FieldDef } from '../../schema/index.ts';
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';
import { compileSafeRegex } from '../../core/regex.ts';

function validatePattern(pattern: string): true | string {
  try {
    compileSafeRegex(pattern);
    return true;
  } catch (error) {
    return `invalid regex: '${pattern}' (PCRE returned: ${(error as Error).message})`;
  }
}

const patternArray = {
  type: 'array', required: false, len_max: 10,
  elements: { type: 'string', len_min: 1, len_max: 500, custom_validator: validatePattern },
} as const satisfies FieldDef;

export const aiPromptGuardSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      allow_patterns: patternArray,
      deny_patterns: patternArray,
      allow_all_conversation_history: { type: 'boolean', required: true, default: false },
      match_all_roles: { type: 'boolean', required: true, default: false },
      max_request_body_size: { type: 'integer', default: 8 * 1024, gt: 0 },
      llm_format: { type: 'string', required: false, default: 'openai', one_of: ['openai', 'bedrock', 'gemini'] },
    },
    entity_checks: [
      { at_least_one_of: ['allow_patterns', 'deny_patterns'] },
      {
        conditional: {
          if_field: 'match_all_roles', if_match: { eq: true },
          then_field: 'allow_all_conversation_history', then_match: { eq: false },
        },
      },
    ],
  },
} as const satisfies PluginSchema;
