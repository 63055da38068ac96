// ai-proxy (Kong 3.10, PRIORITY 770): clients speak OpenAI (or a provider's native format);
// Portico holds the credential, translates to the provider and back, streams included, and logs
// usage and cost under `ai.proxy`. Flow per kong-ai.md §3 (access) and §6 (response path).
import { definePlugin } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { createCredentialSource } from '../../llm/client/credentials.ts';
import type { LlmConf } from '../../llm/conf.ts';
import { getProvider } from '../../llm/providers/index.ts';
import { aiProxyAccess, type PreparedAiProxy } from './access.ts';
import { aiProxyBodyFilter, aiProxyHeaderFilter } from './response.ts';
import { aiProxySchema } from './schema.ts';

export const plugin = definePlugin({
  name: 'ai-proxy',
  version: KONG_VERSION,
  priority: 770,
  schema: aiProxySchema,
  prepare(conf, _kong, row?: Plugin): PreparedAiProxy {
    const llmConf = conf as unknown as PreparedAiProxy['conf'];
    const driver = getProvider(llmConf.model.provider);
    // The schema's one_of makes this unreachable for validated configs.
    if (driver === undefined) throw new Error(`could not instantiate kong.llm.drivers.${llmConf.model.provider} package`);
    return {
      conf: llmConf, driver, pluginId: row?.id ?? '', credentials: createCredentialSource(llmConf as LlmConf),
      // Only configs with `$(…)` in a model string pay for the per-request lookup.
      templated: JSON.stringify(llmConf.model).includes('$('),
    };
  },
  access: (kong, prepared) => aiProxyAccess(kong, prepared),
  header_filter: (kong, prepared) => aiProxyHeaderFilter(kong, prepared.pluginId),
  body_filter: (kong, prepared) => aiProxyBodyFilter(kong, prepared.pluginId),
});
