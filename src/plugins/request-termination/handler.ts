// request-termination — kong/plugins/request-termination/handler.lua: answers every request (or
// only those carrying the `trigger` header or query argument) itself, with a fixed body, Kong's
// `{"message": …}`, or with `echo` a JSON description of the request. Uses kong.response.exit,
// so no request_id in the body.
import { KONG_VERSION } from '../../core/version.ts';
import { definePlugin, headerKey, type Pdk } from '../../pdk/index.ts';
import { requestTerminationSchema } from './schema.ts';

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable',
};

async function echoBody(kong: Pdk, message: string | null): Promise<Record<string, unknown>> {
  const body = await kong.request.get_body();
  return {
    message: message ?? undefined,
    kong: { node_id: kong.node.get_id(), worker_pid: process.pid, hostname: kong.node.get_hostname() },
    request: {
      scheme: kong.request.get_scheme(),
      host: kong.request.get_host(),
      port: kong.request.get_port(),
      headers: kong.request.get_headers(),
      query: kong.request.get_query(),
      body: body ?? undefined,
      raw_body: (await kong.request.get_raw_body()).toString(),
      method: kong.request.get_method(),
      path: kong.request.get_path(),
      uri_captures: kong.request.get_uri_captures(),
    },
    matched_route: kong.router.get_route() ?? undefined,
    matched_service: kong.router.get_service() ?? undefined,
  };
}

export const plugin = definePlugin({
  name: 'request-termination',
  version: KONG_VERSION,
  priority: 2,
  schema: requestTerminationSchema,
  async access(kong, conf) {
    if (conf.trigger !== null) {
      const triggered = kong.request.get_headers()[headerKey(conf.trigger)] !== undefined || kong.request.get_query()[conf.trigger] !== undefined;
      if (!triggered) return;
    }
    const message = conf.message ?? DEFAULT_MESSAGES[conf.status_code] ?? null;
    if (conf.echo) return kong.response.exit(conf.status_code, await echoBody(kong, message));
    if (conf.body !== null) {
      return kong.response.exit(conf.status_code, conf.body, conf.content_type === null ? undefined : { 'Content-Type': conf.content_type });
    }
    kong.response.exit(conf.status_code, message === null ? undefined : { message });
  },
});
