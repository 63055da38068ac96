// udp-log config — kong/plugins/udp-log/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { customFieldsSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const udpLogSchema = {
  config: {
    type: 'record',
    fields: {
      host: { ...typedefs.host, required: true },
      port: { ...typedefs.port, required: true },
      timeout: { type: 'number', default: 10000 },
      ...customFieldsSchema,
    },
  },
} as const satisfies PluginSchema;
