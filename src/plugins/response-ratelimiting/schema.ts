// response-ratelimiting config — kong/plugins/response-ratelimiting/schema.lua: named limits,
// each with at least one period (longer periods not lower), counted from what the upstream
// reports in `header_name`.
import type { PluginSchema } from '../../pdk/index.ts';
import { PERIODS, periodsOutOfOrder } from '../../pdk/time-windows.ts';
import { redisConfigFields } from '../../pdk/redis.ts';
import type { CheckResult } from '../../schema/index.ts';

export { PERIODS, type Period } from '../../pdk/time-windows.ts';

function validatePeriodsOrder(limits: Record<string, unknown>): CheckResult {
  const wrong = periodsOutOfOrder(limits);
  if (wrong === null) return true;
  const [longer, high, shorter, low] = wrong;
  return `the limit for ${longer}(${high.toFixed(1)}) cannot be lower than the limit for ${shorter}(${low.toFixed(1)})`;
}

const limit = { type: 'number', gt: 0 } as const;

export const responseRatelimitingSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      header_name: { type: 'string', default: 'x-kong-limit' },
      limit_by: { type: 'string', default: 'consumer', one_of: ['consumer', 'credential', 'ip'] },
      policy: { type: 'string', default: 'local', len_min: 0, one_of: ['local', 'cluster', 'redis'] },
      fault_tolerant: { type: 'boolean', required: true, default: true },
      redis: { type: 'record', required: true, fields: redisConfigFields },
      block_on_first_violation: { type: 'boolean', required: true, default: false },
      hide_client_headers: { type: 'boolean', required: true, default: false },
      limits: {
        type: 'map',
        required: true,
        len_min: 1,
        keys: { type: 'string' },
        values: {
          type: 'record',
          required: true,
          fields: { second: limit, minute: limit, hour: limit, day: limit, month: limit, year: limit },
          entity_checks: [
            { at_least_one_of: PERIODS },
            { custom_entity_check: { field_sources: PERIODS, fn: validatePeriodsOrder } },
          ],
        },
      },
    },
  },
  entity_checks: [
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.host', then_match: { required: true } } },
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.port', then_match: { required: true } } },
  ],
} as const satisfies PluginSchema;
