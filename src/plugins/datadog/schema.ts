// datadog config — kong/plugins/datadog/schema.lua (Kong 3.x).
import type { PluginSchema } from '../../pdk/index.ts';
import { queueSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const METRIC_NAMES = ['kong_latency', 'latency', 'request_count', 'request_size', 'response_size', 'upstream_latency'] as const;
const STAT_TYPES = ['counter', 'gauge', 'histogram', 'meter', 'set', 'timer', 'distribution'] as const;
const CONSUMER_IDENTIFIERS = ['consumer_id', 'custom_id', 'username'] as const;

/** Kong's default metrics: six, all tagged `app:kong`, consumers identified by custom_id. */
const DEFAULT_METRICS = [
  { name: 'request_count', stat_type: 'counter', sample_rate: 1 },
  { name: 'latency', stat_type: 'timer', sample_rate: null },
  { name: 'request_size', stat_type: 'timer', sample_rate: null },
  { name: 'response_size', stat_type: 'timer', sample_rate: null },
  { name: 'upstream_latency', stat_type: 'timer', sample_rate: null },
  { name: 'kong_latency', stat_type: 'timer', sample_rate: null },
].map((metric) => ({ ...metric, tags: ['app:kong'], consumer_identifier: 'custom_id' }));

export const datadogSchema = {
  config: {
    type: 'record',
    fields: {
      host: { ...typedefs.host, referenceable: true, default: 'localhost' },
      port: { ...typedefs.port, default: 8125 },
      prefix: { type: 'string', default: 'kong' },
      service_name_tag: { type: 'string', default: 'name' },
      status_tag: { type: 'string', default: 'status' },
      consumer_tag: { type: 'string', default: 'consumer' },
      // Deprecated in Kong 3.x (the queue replaces them); accepted for old configs.
      retry_count: { type: 'integer' },
      queue_size: { type: 'integer' },
      flush_timeout: { type: 'number' },
      queue: queueSchema(),
      metrics: {
        type: 'array',
        required: true,
        default: DEFAULT_METRICS,
        elements: {
          type: 'record',
          fields: {
            name: { type: 'string', required: true, one_of: METRIC_NAMES },
            stat_type: { type: 'string', required: true, one_of: STAT_TYPES },
            tags: { type: 'array', elements: { type: 'string', match: '^.*[^:]$' } },
            sample_rate: { type: 'number', between: [0, 1] },
            consumer_identifier: { type: 'string', one_of: CONSUMER_IDENTIFIERS },
          },
          entity_checks: [
            { conditional: { if_field: 'stat_type', if_match: { one_of: ['counter', 'gauge'] }, then_field: 'sample_rate', then_match: { required: true } } },
          ],
        },
      },
    },
  },
} as const satisfies PluginSchema;
