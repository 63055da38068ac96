// grpc-web — kong/plugins/grpc-web/handler.lua: bridges gRPC-Web clients (HTTP/1.1 browsers)
// to a gRPC upstream. access: answers CORS preflights, checks the content type, sends the body
// upstream as `application/grpc` (base64-decoded for "-text"); header_filter: the client's
// content type and Access-Control-Allow-Origin; body_filter: appends the upstream's trailers as
// a 0x80 frame and base64-encodes "-text" responses.
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, type ConfOf, type Pdk } from '../../pdk/index.ts';
import { Base64Stream, trailerFrame, webModeOf, type WebMode } from './codec.ts';
import { grpcWebSchema } from './schema.ts';

type GrpcWebConf = ConfOf<typeof grpcWebSchema>;

interface CallState {
  mode: WebMode;
  base64: Base64Stream | null;
}

const NEEDS_PROTO = 'transcoding requests require a .proto file defining the service';

async function access(kong: Pdk, conf: GrpcWebConf): Promise<void> {
  if (kong.request.get_method() === 'OPTIONS') {
    return kong.response.exit(200, 'OK', {
      'Access-Control-Allow-Origin': conf.allow_origin_header,
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'content-type,x-grpc-web,x-user-agent',
    });
  }
  const mode = webModeOf(kong.request.get_header('content-type'));
  if (mode === null || mode.json) {
    // Kong's decoder refuses any non-proto message encoding without a .proto; JSON transcoding
    // with one is not available in Portico (no protobuf runtime bundled).
    const message = conf.proto === null || conf.proto === undefined ? NEEDS_PROTO : 'JSON transcoding is not supported';
    kong.log.err(message);
    return kong.response.exit(400, message);
  }
  const state: CallState = { mode, base64: mode.text ? new Base64Stream() : null };
  kong.ctx.plugin.call = state;
  // Kong sends the client's full path (the gRPC method path) unless told to keep the stripped one.
  if (conf.pass_stripped_path !== true) kong.service.request.set_path(kong.request.get_path());
  kong.service.request.set_header('Content-Type', 'application/grpc');
  kong.service.request.set_header('TE', 'trailers');
  const body = await kong.request.get_raw_body();
  kong.service.request.set_raw_body(mode.text ? Buffer.from(body.toString('latin1'), 'base64') : body);
}

function headerFilter(kong: Pdk, conf: GrpcWebConf): void {
  if (kong.request.get_method() === 'OPTIONS') return;
  const state = kong.ctx.plugin.call as CallState | undefined;
  if (state !== undefined) {
    kong.response.set_header('Content-Type', state.mode.mimetype);
    kong.response.clear_header('Content-Length');
  }
  kong.response.set_header('Access-Control-Allow-Origin', conf.allow_origin_header);
}

function bodyFilter(kong: Pdk): void {
  const state = kong.ctx.plugin.call as CallState | undefined;
  if (state === undefined) return;
  const { chunk, eof } = kong.response.get_chunk();
  let out = chunk;
  if (eof) {
    // Upstream trailers (or a trailers-only header block) end up here as Kong's
    // $upstream_trailer_grpc_status / _message.
    const status = kong.service.response.get_header('grpc-status');
    if (status !== undefined) out = Buffer.concat([out, trailerFrame(status, kong.service.response.get_header('grpc-message') ?? '')]);
  }
  if (state.base64 !== null) out = state.base64.push(out, eof);
  kong.response.set_chunk(out);
}

export const plugin = definePlugin({
  name: 'grpc-web',
  version: KONG_VERSION,
  priority: 3,
  schema: grpcWebSchema,
  access,
  header_filter: headerFilter,
  body_filter: bodyFilter,
});
