// grpc-gateway — kong/plugins/grpc-gateway/handler.lua: REST clients calling a gRPC service.
// access: finds the google.api.http binding of the request (method + path template), builds
// and frames the request message, and sends it as `POST /<pkg>.<Service>/<Method>` with
// `application/grpc`; header_filter: JSON content type, CORS origin, the HTTP status of a
// trailers-only gRPC error; body_filter: the response message (or the gRPC error) as JSON.
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { matchPathTemplate } from './path-template.ts';
import { loadProtoBindings, type HttpBinding } from './proto-loader.ts';
import { grpcGatewaySchema } from './schema.ts';
import { decodeResponse, encodeRequest, TranscodeError } from './transcode.ts';

type GrpcGatewayConf = ConfOf<typeof grpcGatewaySchema>;

interface Prepared {
  bindings: HttpBinding[] | null;
  /** Why the .proto could not be used (Kong reports it per request). */
  error: string | null;
}

// kong/plugins/grpc-gateway: grpc-status → HTTP status of the REST answer.
const HTTP_STATUS_OF_GRPC = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 500, 500, 503, 500, 401];

const NEEDS_PROTO = 'transcoding requests require a .proto file defining the service';

function prepare(conf: GrpcGatewayConf): Prepared {
  if (conf.proto === null || conf.proto === undefined) return { bindings: null, error: NEEDS_PROTO };
  try {
    return { bindings: loadProtoBindings(conf.proto), error: null };
  } catch (error) {
    return { bindings: null, error: `failed to transcode .proto file ${(error as Error).message}` };
  }
}

function findBinding(bindings: readonly HttpBinding[], method: string, path: string): { binding: HttpBinding; params: Map<string, string> } | null {
  for (const binding of bindings) {
    if (binding.method !== method) continue;
    const params = matchPathTemplate(binding.template, path);
    if (params !== null) return { binding, params };
  }
  return null;
}

async function access(kong: Pdk, prepared: Prepared): Promise<void> {
  const method = kong.request.get_method();
  if (method === 'OPTIONS') {
    return kong.response.exit(200, 'OK', {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET,POST,PATCH,DELETE',
      'Access-Control-Allow-Headers': 'content-type',
    });
  }
  if (prepared.bindings === null) return kong.response.exit(400, prepared.error ?? NEEDS_PROTO);
  const path = kong.request.get_path();
  const found = findBinding(prepared.bindings, method, path);
  if (found === null) return kong.response.exit(400, `failed to transcode .proto file Unknown path ${JSON.stringify(path)}`);
  let body: Buffer;
  try {
    body = encodeRequest(found.binding, found.params, kong.request.get_query(), await kong.request.get_raw_body());
  } catch (error) {
    if (!(error instanceof TranscodeError)) throw error;
    return kong.response.exit(400, error.message);
  }
  kong.ctx.plugin.binding = found.binding;
  kong.service.request.set_method('POST');
  kong.service.request.set_path(found.binding.rpcPath);
  kong.service.request.set_raw_query('');
  kong.service.request.set_header('Content-Type', 'application/grpc');
  kong.service.request.set_header('TE', 'trailers');
  kong.service.request.set_raw_body(body);
}

function headerFilter(kong: Pdk): void {
  if (kong.request.get_method() === 'OPTIONS') return;
  kong.response.set_header('Access-Control-Allow-Origin', '*');
  if (kong.ctx.plugin.binding === undefined) return;
  kong.response.set_header('Content-Type', 'application/json');
  kong.response.clear_header('Content-Length');
  // A trailers-only answer carries grpc-status in the header block: it decides the HTTP status.
  const status = kong.service.response.get_header('grpc-status');
  if (status !== undefined) kong.response.set_status(HTTP_STATUS_OF_GRPC[Number(status)] ?? 500);
}

function bodyFilter(kong: Pdk): void {
  const binding = kong.ctx.plugin.binding as HttpBinding | undefined;
  if (binding === undefined) return;
  // Buffered until the end: the upstream's trailers are only known then.
  const body = kong.response.get_raw_body();
  if (body === null) return;
  const status = kong.service.response.get_header('grpc-status') ?? '0';
  if (status !== '0') {
    const message = kong.service.response.get_header('grpc-message') ?? '';
    let text = message;
    try { text = decodeURIComponent(message); } catch { /* not percent-encoded */ }
    kong.response.set_raw_body(JSON.stringify({ code: Number(status), message: text }));
    return;
  }
  kong.response.set_raw_body(decodeResponse(binding, body) ?? '{}');
}

export const plugin = definePlugin({
  name: 'grpc-gateway',
  version: KONG_VERSION,
  priority: 998,
  schema: grpcGatewaySchema,
  prepare,
  access,
  header_filter: headerFilter,
  body_filter: bodyFilter,
});
