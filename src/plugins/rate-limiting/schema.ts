// rate-limiting config — kong/plugins/rate-limiting/schema.lua: at least one period, longer
// periods may not have lower limits, redis settings required for the redis policy, the header or
// path required when limiting by them.
import type { PluginSchema } from '../../pdk/index.ts';
import { PERIODS, periodsOutOfOrder } from '../../pdk/time-windows.ts';
import { redisConfigFields } from '../../pdk/redis.ts';
import { HTTP_PROTOCOLS, typedefs, type CheckResult } from '../../schema/index.ts';

export { PERIODS, type Period } from '../../pdk/time-windows.ts';

/** Kong's validate_periods_order: a longer window may not allow fewer requests than a shorter one. */
function validatePeriodsOrder(limits: Record<string, unknown>): CheckResult {
  const wrong = periodsOutOfOrder(limits);
  if (wrong === null) return true;
  const [longer, high, shorter, low] = wrong;
  return `The limit for ${longer}(${high.toFixed(1)}) cannot be lower than the limit for ${shorter}(${low.toFixed(1)})`;
}

const limit = { type: 'number', gt: 0 } as const;

export const rateLimitingSchema = {
  protocols: HTTP_PROTOCOLS,
  config: {
    type: 'record',
    fields: {
      second: limit,
      minute: limit,
      hour: limit,
      day: limit,
      month: limit,
      year: limit,
      limit_by: { type: 'string', default: 'consumer', one_of: ['consumer', 'credential', 'ip', 'service', 'header', 'path'] },
      header_name: typedefs.header_name,
      path: typedefs.path,
      policy: { type: 'string', default: 'local', len_min: 0, one_of: ['local', 'cluster', 'redis'] },
      fault_tolerant: { type: 'boolean', required: true, default: true },
      redis: { type: 'record', required: true, fields: redisConfigFields },
      hide_client_headers: { type: 'boolean', required: true, default: false },
      error_code: { type: 'number', default: 429, gt: 0 },
      error_message: { type: 'string', default: 'API rate limit exceeded' },
      sync_rate: { type: 'number', required: true, default: -1 },
    },
    entity_checks: [
      {
        custom_entity_check: {
          field_sources: PERIODS,
          fn: validatePeriodsOrder,
        },
      },
    ],
  },
  entity_checks: [
    { at_least_one_of: PERIODS.map((period) => `config.${period}`) },
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.host', then_match: { required: true } } },
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.port', then_match: { required: true } } },
    { conditional: { if_field: 'config.limit_by', if_match: { eq: 'header' }, then_field: 'config.header_name', then_match: { required: true } } },
    { conditional: { if_field: 'config.limit_by', if_match: { eq: 'path' }, then_field: 'config.path', then_match: { required: true } } },
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.timeout', then_match: { required: true } } },
  ],
} as const satisfies PluginSchema;
