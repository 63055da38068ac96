// zipkin config — kong/plugins/zipkin/schema.lua (Kong 3.x).
import type { PluginSchema } from '../../pdk/index.ts';
import { propagationSchema, queueSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

/** Tags Kong sets itself; static_tags may not override them. */
export const PROTECTED_TAGS = [
  'error', 'http.method', 'http.path', 'http.status_code', 'kong.balancer.state', 'kong.balancer.try',
  'kong.consumer', 'kong.credential', 'kong.node.id', 'kong.route', 'kong.service', 'lc', 'peer.hostname',
] as const;
const HEADER_TYPES = ['b3', 'b3-single', 'w3c', 'jaeger', 'ot', 'aws', 'datadog', 'gcp'] as const;

export const zipkinSchema = {
  config: {
    type: 'record',
    fields: {
      local_service_name: { type: 'string', required: true, default: 'kong' },
      http_endpoint: { ...typedefs.url, referenceable: true },
      sample_ratio: { type: 'number', default: 0.001, between: [0, 1] },
      default_service_name: { type: 'string' },
      include_credential: { type: 'boolean', required: true, default: true },
      traceid_byte_count: { type: 'integer', required: true, default: 16, one_of: [8, 16] },
      header_type: { type: 'string', required: true, default: 'preserve', one_of: ['preserve', 'ignore', ...HEADER_TYPES] },
      default_header_type: { type: 'string', required: true, default: 'b3', one_of: HEADER_TYPES },
      tags_header: { ...typedefs.header_name, required: true, default: 'Zipkin-Tags' },
      static_tags: {
        type: 'array',
        elements: {
          type: 'record',
          fields: {
            name: { type: 'string', required: true, not_one_of: PROTECTED_TAGS },
            value: { type: 'string', required: true },
          },
        },
      },
      http_span_name: { type: 'string', required: true, default: 'method', one_of: ['method', 'method_path'] },
      connect_timeout: { ...typedefs.timeout, default: 2000 },
      send_timeout: { ...typedefs.timeout, default: 5000 },
      read_timeout: { ...typedefs.timeout, default: 5000 },
      http_response_header_for_traceid: { type: 'string' },
      phase_duration_flavor: { type: 'string', required: true, default: 'annotations', one_of: ['annotations', 'tags'] },
      queue: queueSchema(),
      propagation: propagationSchema('b3'),
    },
  },
} as const satisfies PluginSchema;
