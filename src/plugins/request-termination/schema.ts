// request-termination config — kong/plugins/request-termination/schema.lua, with its record-level
// rules: message excludes body/content_type, content_type needs body, echo excludes both.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS, typedefs } from '../../schema/index.ts';

const present = (value: unknown): boolean => value !== null && value !== undefined && value !== '';

function checkCombination(config: Record<string, unknown>): true | string {
  if (present(config.message) && (present(config.content_type) || present(config.body))) return 'message cannot be used with content_type or body';
  if (present(config.content_type) && !present(config.body)) return 'content_type requires a body';
  if (config.echo === true && (present(config.content_type) || present(config.body))) return 'echo cannot be used with content_type and body';
  return true;
}

export const requestTerminationSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      status_code: { type: 'integer', required: true, default: 503, between: [100, 599] },
      message: { type: 'string' },
      content_type: { type: 'string' },
      body: { type: 'string' },
      echo: { type: 'boolean', required: true, default: false },
      trigger: typedefs.header_name,
    },
    custom_validator: checkCombination,
  },
} as const satisfies PluginSchema;
