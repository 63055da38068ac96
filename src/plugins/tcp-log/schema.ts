// tcp-log config — kong/plugins/tcp-log/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { customFieldsSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const tcpLogSchema = {
  config: {
    type: 'record',
    fields: {
      host: { ...typedefs.host, required: true },
      port: { ...typedefs.port, required: true },
      timeout: { type: 'number', default: 10000 },
      keepalive: { type: 'number', default: 60000 },
      tls: { type: 'boolean', required: true, default: false },
      tls_sni: typedefs.sni,
      ...customFieldsSchema,
    },
  },
} as const satisfies PluginSchema;
