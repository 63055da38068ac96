// Upstream `healthchecks` record — kong/db/schema/entities/upstreams.lua. Kong generates the
// sub-records from a defaults table (fields sorted by name); zero intervals/counters disable.
import { typedefs } from '../schema/index.ts';
import type { FieldDef } from '../schema/index.ts';

const checkType: FieldDef = { type: 'string', one_of: ['tcp', 'http', 'https', 'grpc', 'grpcs'], default: 'http' };
const seconds = (def: number): FieldDef => ({ type: 'number', between: [0, 65535], default: def });
const counter = (def: number): FieldDef => ({ type: 'integer', between: [0, 255], default: def });
const statuses = (def: number[]): FieldDef => ({
  type: 'array', default: def, elements: { type: 'integer', between: [100, 999] },
});

const PASSIVE_HEALTHY = [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308];

function record(fields: Record<string, FieldDef>): FieldDef {
  return { type: 'record', required: true, fields };
}

export const healthchecksField: FieldDef = {
  type: 'record',
  required: true,
  fields: {
    active: record({
      concurrency: { type: 'integer', between: [1, 2 ** 31 - 1], default: 10 },
      headers: typedefs.headers,
      healthy: record({
        http_statuses: statuses([200, 302]),
        interval: seconds(0),
        successes: counter(0),
      }),
      http_path: { ...typedefs.path, default: '/' },
      https_sni: typedefs.sni,
      https_verify_certificate: { type: 'boolean', required: true, default: true },
      timeout: seconds(1),
      type: checkType,
      unhealthy: record({
        http_failures: counter(0),
        http_statuses: statuses([429, 404, 500, 501, 502, 503, 504, 505]),
        interval: seconds(0),
        tcp_failures: counter(0),
        timeouts: counter(0),
      }),
    }),
    passive: record({
      healthy: record({ http_statuses: statuses(PASSIVE_HEALTHY), successes: counter(0) }),
      type: checkType,
      unhealthy: record({
        http_failures: counter(0),
        http_statuses: statuses([429, 500, 503]),
        tcp_failures: counter(0),
        timeouts: counter(0),
      }),
    }),
    threshold: { type: 'number', between: [0, 100], default: 0 },
  },
};
