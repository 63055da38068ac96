// proxy-cache Admin API (kong/plugins/proxy-cache/api.lua): purge everything, look up or purge
// one key across every proxy-cache instance, or within one instance.
import type { PluginApiReply, PluginApiRoute, SharedDictionaries } from '../../pdk/index.ts';
import { fetchResponse, flushResponses, purgeResponse, type CachedResponse } from './store.ts';

/** Plugin id → memory dictionary, learnt as each proxy-cache instance is prepared. */
const instances = new Map<string, string>();
let shared: SharedDictionaries | null = null;
const NOT_FOUND: PluginApiReply = { status: 404, body: { message: 'Not found' } };

/**
 * Records a proxy-cache instance (called from prepare, once per config version).
 * @example
 * rememberInstance(row.id, conf.memory.dictionary_name, kong.dictionaries);
 */
export function rememberInstance(pluginId: string, dictionaryName: string, dictionaries: SharedDictionaries): void {
  instances.set(pluginId, dictionaryName);
  shared = dictionaries;
}

function present(entry: CachedResponse): Record<string, unknown> {
  return { ...entry, body: entry.body.toString() };
}

function dictionaries(): Set<string> {
  return new Set(instances.values());
}

export const proxyCacheApi: readonly PluginApiRoute[] = [
  {
    method: 'DELETE',
    path: '/proxy-cache',
    handle: async () => {
      for (const dictionary of dictionaries()) await flushResponses(shared!, dictionary);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/proxy-cache/{cache_key}',
    handle: async ({ params }) => {
      for (const dictionary of dictionaries()) {
        const entry = await fetchResponse(shared!, dictionary, params.cache_key!);
        if (entry !== null) return { status: 200, body: present(entry), headers: { 'Cache-Key': params.cache_key! } };
      }
      return NOT_FOUND;
    },
  },
  {
    method: 'DELETE',
    path: '/proxy-cache/{cache_key}',
    handle: async ({ params }) => {
      let found = false;
      for (const dictionary of dictionaries()) found = (await purgeResponse(shared!, dictionary, params.cache_key!)) || found;
      return found ? { status: 204 } : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    path: '/proxy-cache/{plugin_id}/caches/{cache_key}',
    handle: async ({ params }) => {
      const dictionary = instances.get(params.plugin_id!);
      const entry = dictionary === undefined ? null : await fetchResponse(shared!, dictionary, params.cache_key!);
      return entry === null ? NOT_FOUND : { status: 200, body: present(entry), headers: { 'Cache-Key': params.cache_key! } };
    },
  },
  {
    method: 'DELETE',
    path: '/proxy-cache/{plugin_id}/caches/{cache_key}',
    handle: async ({ params }) => {
      const dictionary = instances.get(params.plugin_id!);
      return dictionary !== undefined && (await purgeResponse(shared!, dictionary, params.cache_key!)) ? { status: 204 } : NOT_FOUND;
    },
  },
];
