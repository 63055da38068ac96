// bot-detection config — kong/plugins/bot-detection/schema.lua: allow/deny regex lists (default
// empty), checked with Kong's is_regex rule on the linear-time engine.
import { compileSafeRegex } from '../../core/regex.ts';
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

function isRegex(value: string): true | string {
  try {
    compileSafeRegex(value);
    return true;
  } catch {
    return `not a valid regex: ${value}`;
  }
}

export const botDetectionSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      allow: { type: 'array', elements: { type: 'string', custom_validator: isRegex }, default: [] },
      deny: { type: 'array', elements: { type: 'string', custom_validator: isRegex }, default: [] },
    },
  },
} as const satisfies PluginSchema;
