// ratelimiting_metrics — Kong's cluster-policy table (kong/plugins/rate-limiting/migrations):
// one row per (identifier, period, window, service, route) holding the count, expiring with its
// window (row ttl). No Admin API, as in Kong. The id is derived from the counter key so every
// node of the cluster addresses the same row.
import type { EntityOptions } from '../../entities/definition.ts';
import { defineSchema, typedefs } from '../../schema/index.ts';

export const ratelimitingMetricsSchema = defineSchema({
  name: 'ratelimiting_metrics',
  fields: {
    id: typedefs.uuid,
    identifier: { type: 'string', required: true },
    period: { type: 'string', required: true },
    period_date: { type: 'integer', required: true },
    service_id: { type: 'string', required: true },
    route_id: { type: 'string', required: true },
    value: { type: 'integer', required: true, default: 0 },
  },
});

export const ratelimitingMetrics: EntityOptions = {
  name: 'ratelimiting_metrics',
  adminPath: null,
  ttl: true,
  schema: ratelimitingMetricsSchema,
};
