// response_ratelimiting_metrics — the cluster policy's counters (Kong keeps them in a table of
// the same shape as ratelimiting_metrics); rows expire with their window; no Admin API.
import type { EntityOptions } from '../../entities/definition.ts';
import { defineSchema, typedefs } from '../../schema/index.ts';

export const responseRatelimitingMetrics: EntityOptions = {
  name: 'response_ratelimiting_metrics',
  adminPath: null,
  ttl: true,
  schema: defineSchema({
    name: 'response_ratelimiting_metrics',
    fields: {
      id: typedefs.uuid,
      identifier: { type: 'string', required: true },
      period: { type: 'string', required: true },
      period_date: { type: 'integer', required: true },
      value: { type: 'integer', required: true, default: 0 },
    },
  }),
};
