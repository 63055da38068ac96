// key-auth config — kong/plugins/key-auth/schema.lua: never consumer-scoped, http protocols.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS, typedefs } from '../../schema/index.ts';

export const keyAuthSchema = {
  no_consumer: true,
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      key_names: { type: 'array', required: true, elements: typedefs.header_name, default: ['apikey'] },
      hide_credentials: { type: 'boolean', required: true, default: false },
      anonymous: { type: 'string' },
      key_in_header: { type: 'boolean', required: true, default: true },
      key_in_query: { type: 'boolean', required: true, default: true },
      key_in_body: { type: 'boolean', required: true, default: false },
      run_on_preflight: { type: 'boolean', required: true, default: true },
      realm: { type: 'string', required: false },
    },
  },
} as const satisfies PluginSchema;
