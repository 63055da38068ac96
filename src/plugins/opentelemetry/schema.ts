// opentelemetry config — kong/plugins/opentelemetry/schema.lua (Kong 3.x), plus Portico's
// `encoding` (OTLP/HTTP protobuf as Kong, or OTLP/JSON).
import type { PluginSchema } from '../../pdk/index.ts';
import { propagationSchema, queueSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const openTelemetrySchema = {
  config: {
    type: 'record',
    fields: {
      endpoint: { ...typedefs.url, referenceable: true },
      traces_endpoint: { ...typedefs.url, referenceable: true },
      logs_endpoint: { ...typedefs.url, referenceable: true },
      headers: { type: 'map', keys: typedefs.header_name, values: { type: 'string', referenceable: true } },
      resource_attributes: { type: 'map', keys: { type: 'string', required: true }, values: { type: 'string', required: true } },
      queue: queueSchema({ max_batch_size: 200 }),
      batch_span_count: { type: 'integer' },
      batch_flush_delay: { type: 'integer' },
      connect_timeout: { ...typedefs.timeout, default: 1000 },
      send_timeout: { ...typedefs.timeout, default: 5000 },
      read_timeout: { ...typedefs.timeout, default: 5000 },
      http_response_header_for_traceid: { type: 'string' },
      header_type: { type: 'string', default: 'preserve', one_of: ['preserve', 'ignore', 'b3', 'b3-single', 'w3c', 'jaeger', 'ot', 'aws', 'gcp', 'datadog'] },
      sampling_rate: { type: 'number', between: [0, 1] },
      propagation: propagationSchema('w3c'),
      encoding: { type: 'string', default: 'protobuf', one_of: ['protobuf', 'json'] },
    },
    entity_checks: [
      {
        custom_entity_check: {
          field_sources: ['endpoint', 'traces_endpoint', 'logs_endpoint'],
          fn: (conf) => (conf.endpoint ?? conf.traces_endpoint ?? conf.logs_endpoint) != null || 'at least one of these fields must be non-empty: \'traces_endpoint\', \'logs_endpoint\'',
        },
      },
    ],
  },
} as const satisfies PluginSchema;
