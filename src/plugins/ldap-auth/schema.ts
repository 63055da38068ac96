// ldap-auth plugin config — kong/plugins/ldap-auth/schema.lua.
import { typedefs } from '../../schema/index.ts';
import type { PluginSchema } from '../../pdk/index.ts';

export const ldapAuthSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  no_consumer: true,
  config: {
    type: 'record',
    fields: {
      ldap_host: { ...typedefs.host, required: true },
      ldap_port: { ...typedefs.port, required: true, default: 389 },
      ldaps: { type: 'boolean', required: true, default: false },
      start_tls: { type: 'boolean', required: true, default: false },
      verify_ldap_host: { type: 'boolean', required: true, default: false },
      base_dn: { type: 'string', required: true },
      attribute: { type: 'string', required: true },
      cache_ttl: { type: 'number', required: true, default: 60 },
      hide_credentials: { type: 'boolean', required: true, default: false },
      timeout: { type: 'number', default: 10000 },
      keepalive: { type: 'number', default: 60000 },
      anonymous: { type: 'string' },
      header_type: { type: 'string', default: 'ldap' },
      realm: { type: 'string', required: false },
    },
  },
  entity_checks: [
    {
      conditional: {
        if_field: 'config.ldaps', if_match: { eq: true },
        then_field: 'config.start_tls', then_match: { eq: false },
        then_err: "'ldaps' and 'start_tls' cannot be enabled simultaneously",
      },
    },
  ],
} satisfies PluginSchema;
