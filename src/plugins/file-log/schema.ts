// file-log config — kong/plugins/file-log/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { customFieldsSchema } from '../../pdk/index.ts';

export const fileLogSchema = {
  config: {
    type: 'record',
    fields: {
      // Kong's pattern: no `*`, `&`, `%`, `\` or backtick in the file name.
      path: { type: 'string', required: true, match: '^[^*&%%\\`]+$', err: 'not a valid filename' },
      reopen: { type: 'boolean', required: true, default: false },
      ...customFieldsSchema,
    },
  },
} as const satisfies PluginSchema;
