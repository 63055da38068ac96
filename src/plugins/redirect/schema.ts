// redirect config — kong/plugins/redirect/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const redirectSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      status_code: { type: 'integer', required: true, default: 301, between: [100, 599] },
      location: { ...typedefs.url, required: true },
      keep_incoming_path: { type: 'boolean', required: true, default: false },
    },
  },
} as const satisfies PluginSchema;
