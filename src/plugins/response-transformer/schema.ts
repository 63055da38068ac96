// response-transformer config — kong/plugins/response-transformer/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';

const names = { type: 'array', required: true, default: [], elements: { type: 'string' } } as const;
const pairs = { type: 'array', required: true, default: [], elements: { type: 'string', match: '^[^:]+:.*$' } } as const;
const jsonTypes = { type: 'array', required: true, default: [], elements: { type: 'string', one_of: ['boolean', 'number', 'string'] } } as const;
const typedPairs = { type: 'record', required: true, fields: { json: pairs, json_types: jsonTypes, headers: pairs } } as const;

export const responseTransformerSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      remove: { type: 'record', required: true, fields: { json: names, headers: names } },
      rename: { type: 'record', required: true, fields: { headers: pairs, json: pairs } },
      replace: typedPairs,
      add: typedPairs,
      append: typedPairs,
    },
  },
} as const satisfies PluginSchema;
