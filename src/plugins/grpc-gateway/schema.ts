// grpc-gateway config — kong/plugins/grpc-gateway/schema.lua.
import type { PluginSchema } from '../../pdk/index.ts';

export const grpcGatewaySchema = {
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  config: {
    type: 'record',
    fields: {
      proto: { type: 'string', description: 'Path of the .proto file whose google.api.http options map REST calls to gRPC methods.' },
    },
  },
} as const satisfies PluginSchema;
