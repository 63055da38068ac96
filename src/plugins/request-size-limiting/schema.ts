// request-size-limiting config — kong/plugins/request-size-limiting/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

export const SIZE_UNITS = ['megabytes', 'kilobytes', 'bytes'] as const;

export const requestSizeLimitingSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      allowed_payload_size: { type: 'integer', default: 128 },
      size_unit: { type: 'string', required: true, default: 'megabytes', one_of: SIZE_UNITS },
      require_content_length: { type: 'boolean', required: true, default: false },
    },
  },
} as const satisfies PluginSchema;
