// grpc-web config — kong/plugins/grpc-web/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';

export const grpcWebSchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      proto: { type: 'string', description: 'If present, path of a .proto file describing the gRPC service; needed for JSON payloads.' },
      pass_stripped_path: { type: 'boolean', description: 'send the path as stripped by the route instead of the full request path.' },
      allow_origin_header: { type: 'string', default: '*', description: 'Access-Control-Allow-Origin value returned to gRPC-Web clients.' },
    },
  },
} as const satisfies PluginSchema;
