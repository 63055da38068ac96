// acl config — kong/plugins/acl/schema.lua: exactly one of allow/deny; never consumer-scoped.
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';

export const aclPluginSchema = {
  no_consumer: true,
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      allow: { type: 'array', elements: { type: 'string' } },
      deny: { type: 'array', elements: { type: 'string' } },
      hide_groups_header: { type: 'boolean', required: true, default: false },
      always_use_authenticated_groups: { type: 'boolean', required: true, default: false },
    },
  },
  entity_checks: [
    { only_one_of: ['config.allow', 'config.deny'] },
    { at_least_one_of: ['config.allow', 'config.deny'] },
  ],
} as const satisfies PluginSchema;
