// Extra Admin API endpoints a plugin declares (Kong's plugin api.lua), e.g. proxy-cache's
// `/proxy-cache/{cache_key}`. The Admin API mounts them next to its own routes; a handler gets
// the path parameters, query and decoded body and answers a status with an optional JSON body.

/**
 * One request to a plugin endpoint.
 * @example
 * handle({ params }) { return { status: 200, body: { key: params.cache_key } }; }
 */
export interface PluginApiRequest {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
}

/**
 * The answer: JSON body when present, none for 204.
 * @example
 * const reply: PluginApiReply = { status: 404, body: { message: 'Not found' } };
 */
export interface PluginApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One endpoint; `path` uses the Admin API's `{param}` template syntax.
 * @example
 * const route: PluginApiRoute = { method: 'DELETE', path: '/proxy-cache', handle: () => ({ status: 204 }) };
 */
export interface PluginApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handle(request: PluginApiRequest): PluginApiReply | Promise<PluginApiReply>;
}
