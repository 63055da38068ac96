// statsd config — kong/plugins/statsd/schema.lua (Kong 3.x, the former statsd-advanced).
import type { PluginSchema } from '../../pdk/index.ts';
import { queueSchema } from '../../pdk/index.ts';
import { typedefs } from '../../schema/index.ts';

export const METRIC_NAMES = [
  'kong_latency', 'latency', 'request_count', 'request_per_user', 'request_size', 'response_size', 'status_count',
  'status_count_per_user', 'unique_users', 'upstream_latency', 'status_count_per_workspace',
  'status_count_per_user_per_route', 'shdict_usage', 'cache_datastore_hits_total', 'cache_datastore_misses_total',
] as const;
export const STAT_TYPES = ['counter', 'gauge', 'histogram', 'meter', 'set', 'timer'] as const;
export const CONSUMER_IDENTIFIERS = ['consumer_id', 'custom_id', 'username'] as const;
export const SERVICE_IDENTIFIERS = ['service_id', 'service_name', 'service_host', 'service_name_or_host'] as const;
export const WORKSPACE_IDENTIFIERS = ['workspace_id', 'workspace_name'] as const;

/** Kong's DEFAULT_METRICS (13 entries). */
const DEFAULT_METRICS = [
  { name: 'request_count', stat_type: 'counter', sample_rate: 1 },
  { name: 'latency', stat_type: 'timer' },
  { name: 'request_size', stat_type: 'timer' },
  { name: 'status_count', stat_type: 'counter', sample_rate: 1 },
  { name: 'response_size', stat_type: 'timer' },
  { name: 'unique_users', stat_type: 'set' },
  { name: 'request_per_user', stat_type: 'counter', sample_rate: 1 },
  { name: 'upstream_latency', stat_type: 'timer' },
  { name: 'kong_latency', stat_type: 'timer' },
  { name: 'status_count_per_user', stat_type: 'counter', sample_rate: 1 },
  { name: 'status_count_per_workspace', stat_type: 'counter', sample_rate: 1 },
  { name: 'status_count_per_user_per_route', stat_type: 'counter', sample_rate: 1 },
  { name: 'shdict_usage', stat_type: 'gauge', sample_rate: 1 },
].map((metric) => ({ consumer_identifier: null, service_identifier: null, workspace_identifier: null, sample_rate: null, ...metric }));

export const statsdSchema = {
  config: {
    type: 'record',
    fields: {
      host: { ...typedefs.host, default: 'localhost' },
      port: { ...typedefs.port, default: 8125 },
      prefix: { type: 'string', default: 'kong' },
      metrics: {
        type: 'array',
        default: DEFAULT_METRICS,
        elements: {
          type: 'record',
          fields: {
            name: { type: 'string', required: true, one_of: METRIC_NAMES },
            stat_type: { type: 'string', required: true, one_of: STAT_TYPES },
            sample_rate: { type: 'number', gt: 0 },
            consumer_identifier: { type: 'string', one_of: CONSUMER_IDENTIFIERS },
            service_identifier: { type: 'string', one_of: SERVICE_IDENTIFIERS },
            workspace_identifier: { type: 'string', one_of: WORKSPACE_IDENTIFIERS },
          },
          entity_checks: [
            { conditional: { if_field: 'stat_type', if_match: { one_of: ['counter', 'gauge'] }, then_field: 'sample_rate', then_match: { required: true } } },
          ],
        },
      },
      allow_status_codes: { type: 'array', elements: { type: 'string', match: '^[0-9]+%-[0-9]+$' } },
      udp_packet_size: { type: 'number', between: [0, 65507], default: 0 },
      use_tcp: { type: 'boolean', default: false },
      hostname_in_prefix: { type: 'boolean', default: false },
      consumer_identifier_default: { type: 'string', required: true, default: 'custom_id', one_of: CONSUMER_IDENTIFIERS },
      service_identifier_default: { type: 'string', required: true, default: 'service_name_or_host', one_of: SERVICE_IDENTIFIERS },
      workspace_identifier_default: { type: 'string', required: true, default: 'workspace_id', one_of: WORKSPACE_IDENTIFIERS },
      tag_style: { type: 'string', one_of: ['dogstatsd', 'influxdb', 'librato', 'signalfx'] },
      queue: queueSchema(),
    },
  },
} as const satisfies PluginSchema;
