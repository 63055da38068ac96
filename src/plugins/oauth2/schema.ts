// oauth2 plugin config — kong/plugins/oauth2/schema.lua: the enabled grants (at least one),
// scopes, token lifetimes and the provision_key the resource owner's backend proves itself with.
import type { PluginSchema } from '../../pdk/index.ts';

const GRANTS = ['enable_authorization_code', 'enable_implicit_grant', 'enable_client_credentials', 'enable_password_grant'] as const;

export const oauth2Schema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  no_consumer: true,
  config: {
    type: 'record',
    fields: {
      scopes: { type: 'array', elements: { type: 'string' } },
      mandatory_scope: { type: 'boolean', default: false, required: true },
      provision_key: { type: 'string', unique: true, auto: true, required: true, encrypted: true },
      token_expiration: { type: 'number', default: 7200, required: true },
      enable_authorization_code: { type: 'boolean', default: false, required: true },
      enable_implicit_grant: { type: 'boolean', default: false, required: true },
      enable_client_credentials: { type: 'boolean', default: false, required: true },
      enable_password_grant: { type: 'boolean', default: false, required: true },
      hide_credentials: { type: 'boolean', default: false, required: true },
      accept_http_if_already_terminated: { type: 'boolean', default: false, required: true },
      anonymous: { type: 'string' },
      global_credentials: { type: 'boolean', default: false, required: true },
      auth_header_name: { type: 'string', default: 'authorization' },
      refresh_token_ttl: { type: 'number', between: [0, 100000000], default: 1209600, required: true },
      reuse_refresh_token: { type: 'boolean', default: false, required: true },
      pkce: { type: 'string', default: 'lax', required: false, one_of: ['none', 'lax', 'strict'] },
      realm: { type: 'string', required: false },
    },
    entity_checks: [
      {
        conditional: {
          if_field: 'mandatory_scope', if_match: { eq: true },
          then_field: 'scopes', then_match: { required: true },
        },
      },
      {
        custom_entity_check: {
          field_sources: GRANTS,
          fn: (config) => GRANTS.some((grant) => config[grant] === true) ||
            `at least one of these fields must be true: ${GRANTS.join(', ')}`,
        },
      },
    ],
  },
} satisfies PluginSchema;
