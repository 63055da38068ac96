// gRPC proxying (kong-core §4.6): HTTP/2 calls to grpc/grpcs services and gRPC-shaped errors.
export { GrpcExchange, grpcUpstreamHeaders } from './grpc-exchange.ts';
export { GrpcSessions, defaultGrpcSessions } from './session-pool.ts';
export type { SessionKeyInput } from './session-pool.ts';
export { GRPC_STATUS, encodeGrpcMessage, grpcStatusFor, isGrpcContentType, isGrpcRequest, isGrpcService, isHttp2Request, sendGrpcError, sendGrpcHttpError } from './grpc-status.ts';
export { parseGrpcTimeout } from './grpc-timeout.ts';
export { convertExitToGrpc } from './grpc-exit.ts';
