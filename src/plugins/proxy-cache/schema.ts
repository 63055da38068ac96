// proxy-cache config — kong/plugins/proxy-cache/schema.lua (memory strategy only, as in OSS).
import type { PluginSchema } from '../../pdk/index.ts';

export const proxyCacheSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      response_code: { type: 'array', required: true, default: [200, 301, 404], len_min: 1, elements: { type: 'integer', between: [100, 900] } },
      request_method: { type: 'array', required: true, default: ['GET', 'HEAD'], elements: { type: 'string', one_of: ['HEAD', 'GET', 'POST', 'PATCH', 'PUT'] } },
      content_type: { type: 'array', required: true, default: ['text/plain', 'application/json'], elements: { type: 'string' } },
      cache_ttl: { type: 'integer', default: 300, gt: 0 },
      strategy: { type: 'string', required: true, one_of: ['memory'] },
      cache_control: { type: 'boolean', required: true, default: false },
      ignore_uri_case: { type: 'boolean', required: false, default: false },
      storage_ttl: { type: 'integer' },
      memory: { type: 'record', required: true, fields: { dictionary_name: { type: 'string', required: true, default: 'kong_db_cache' } } },
      vary_query_params: { type: 'array', elements: { type: 'string' } },
      vary_headers: { type: 'array', elements: { type: 'string' } },
      response_headers: {
        type: 'record',
        required: true,
        fields: {
          age: { type: 'boolean', default: true },
          'X-Cache-Status': { type: 'boolean', default: true },
          'X-Cache-Key': { type: 'boolean', default: true },
        },
      },
    },
  },
} as const satisfies PluginSchema;
