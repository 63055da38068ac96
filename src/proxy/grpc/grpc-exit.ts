// Short circuits on the plugin path for gRPC requests (Kong's kong.response.exit/error with
// is_grpc_request): the answer becomes a gRPC status — HTTP 200, `application/grpc`, no body,
// grpc-status from the §4.5 mapping and the message as grpc-message. The plugin phases write
// headers and body separately, so the status is also sent as trailers, where gRPC clients read
// it when the header block does not end the stream.
import type { ServerResponse } from 'node:http';
import type { PluginRequestContext } from '../../pdk/index.ts';
import { encodeGrpcMessage, grpcMessageFor, grpcStatusFor } from './grpc-status.ts';

/** The message of an exit body: `{ message }` JSON (Kong's table body), else the text itself. */
function exitMessage(body: string | Buffer, status: number): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text === '') return grpcMessageFor(status, undefined);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (parsed !== null && typeof parsed === 'object' && typeof parsed.message === 'string') return parsed.message;
  } catch { /* a plain-text body is the message */ }
  return text;
}

/** Rewrites the pending exit of `context` into its gRPC form (before header_filter runs). */
export function convertExitToGrpc(context: PluginRequestContext, res: ServerResponse): void {
  const exit = context.exit;
  if (exit === null) return;
  // An exit that already speaks gRPC (the grpcs-only route check) keeps its own status.
  const preset = context.responseHeaders.get('grpc-status');
  const status = preset ?? String(grpcStatusFor(exit.status));
  const message = preset === undefined ? encodeGrpcMessage(exitMessage(exit.body, exit.status)) : context.responseHeaders.get('grpc-message') ?? '';
  exit.status = 200;
  context.status = 200;
  exit.body = '';
  exit.contentType = 'application/grpc';
  context.responseHeaders.set('Content-Type', 'application/grpc');
  context.responseHeaders.set('grpc-status', status);
  context.responseHeaders.set('grpc-message', message);
  res.addTrailers({ 'grpc-status': status, 'grpc-message': message });
}
