// correlation-id config — kong/plugins/correlation-id/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';

export const correlationIdSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      header_name: { type: 'string', default: 'Kong-Request-ID' },
      generator: { type: 'string', default: 'uuid#counter', one_of: ['uuid', 'uuid#counter', 'tracker'] },
      echo_downstream: { type: 'boolean', required: true, default: false },
    },
  },
} as const satisfies PluginSchema;
