// jwt plugin config — kong/plugins/jwt/schema.lua: token sources, the claim naming the
// credential, registered claims to verify and the maximum_expiration cap (which only makes
// sense when `exp` is verified, hence the conditional entity check).
import type { PluginSchema } from '../../pdk/index.ts';

export const jwtSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  no_consumer: true,
  config: {
    type: 'record',
    fields: {
      uri_param_names: { type: 'set', elements: { type: 'string' }, default: ['jwt'] },
      cookie_names: { type: 'set', elements: { type: 'string' }, default: [] },
      key_claim_name: { type: 'string', default: 'iss' },
      secret_is_base64: { type: 'boolean', required: true, default: false },
      claims_to_verify: { type: 'set', elements: { type: 'string', one_of: ['exp', 'nbf'] } },
      anonymous: { type: 'string' },
      run_on_preflight: { type: 'boolean', required: true, default: true },
      maximum_expiration: { type: 'number', default: 0, between: [0, 31536000] },
      header_names: { type: 'set', elements: { type: 'string' }, default: ['authorization'] },
      realm: { type: 'string', required: false },
    },
  },
  entity_checks: [
    {
      conditional: {
        if_field: 'config.maximum_expiration', if_match: { gt: 0 },
        then_field: 'config.claims_to_verify', then_match: { contains: 'exp' },
      },
    },
  ],
} satisfies PluginSchema;
