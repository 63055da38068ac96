// hmac-auth plugin config — kong/plugins/hmac-auth/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';

export const HMAC_ALGORITHMS = ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const;

export const hmacAuthSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  no_consumer: true,
  config: {
    type: 'record',
    fields: {
      hide_credentials: { type: 'boolean', required: true, default: false },
      clock_skew: { type: 'number', default: 300, gt: 0 },
      anonymous: { type: 'string' },
      validate_request_body: { type: 'boolean', required: true, default: false },
      enforce_headers: { type: 'array', elements: { type: 'string' }, default: [] },
      algorithms: { type: 'array', elements: { type: 'string', one_of: HMAC_ALGORITHMS }, default: [...HMAC_ALGORITHMS] },
      realm: { type: 'string', required: false },
    },
  },
} satisfies PluginSchema;
