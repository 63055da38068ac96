// prometheus config — kong/plugins/prometheus/schema.lua: every switch defaults to false.
import type { PluginSchema } from '../../pdk/index.ts';

const off = { type: 'boolean', default: false } as const;

export const prometheusSchema = {
  config: {
    type: 'record',
    fields: {
      per_consumer: off,
      status_code_metrics: off,
      ai_metrics: off,
      latency_metrics: off,
      bandwidth_metrics: off,
      upstream_health_metrics: off,
      wasm_metrics: off,
    },
  },
} as const satisfies PluginSchema;
