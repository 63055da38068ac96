// ai-request-transformer config — kong/plugins/ai-request-transformer/schema.lua (never
// consumer-scoped).
import type { PluginSchema } from '../../pdk/index.ts';
import { HTTP_PROTOCOLS } from '../../schema/index.ts';
import { transformerConfigFields, transformerEntityChecks } from '../../llm/schema.ts';

export const aiRequestTransformerSchema = {
  no_consumer: true,
  protocols: HTTP_PROTOCOLS,
  config: { type: 'record', fields: transformerConfigFields, entity_checks: transformerEntityChecks },
} as const satisfies PluginSchema;
