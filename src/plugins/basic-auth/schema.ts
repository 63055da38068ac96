// basic-auth config — kong/plugins/basic-auth/schema.lua: never consumer-scoped, http protocols,
// realm required with default "service".
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

export const basicAuthSchema = {
  no_consumer: true,
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      anonymous: { type: 'string' },
      hide_credentials: { type: 'boolean', required: true, default: false },
      realm: { type: 'string', required: true, default: 'service' },
    },
  },
} as const satisfies PluginSchema;
