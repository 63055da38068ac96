// ip-restriction config — kong/plugins/ip-restriction/schema.lua: allow/deny lists of IPs or
// CIDRs (at least one), optional status and message; also valid for stream protocols.
import type { PluginSchema } from '../../pdk/index.ts';
import { PROTOCOLS, typedefs } from '../../schema/index.ts';

export const ipRestrictionSchema = {
  protocols: PROTOCOLS,
  defaultProtocols: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'],
  config: {
    type: 'record',
    fields: {
      allow: { type: 'array', elements: typedefs.ip_or_cidr },
      deny: { type: 'array', elements: typedefs.ip_or_cidr },
      status: { type: 'number', required: false },
      message: { type: 'string', required: false },
    },
  },
  entity_checks: [{ at_least_one_of: ['config.allow', 'config.deny'] }],
} as const satisfies PluginSchema;
