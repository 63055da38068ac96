// ai-response-transformer calls the upstream service itself in access (Kong's
// kong/plugins/ai-response-transformer/handler.lua subrequest): same method, path and query,
// the client's headers minus the framing ones, Host = the upstream host, the raw client body.
import { gunzipSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import type { Pdk } from '../../pdk/index.ts';

export interface UpstreamReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** The request path after the route's strip_path, under the service path (`$upstream_uri`). */
function upstreamPath(kong: Pdk): string {
  const route = kong.router.get_route();
  const service = kong.router.get_service();
  let path = kong.request.get_path();
  if (route?.strip_path && Array.isArray(route.paths)) {
    const prefix = route.paths.filter((candidate) => !candidate.startsWith('~') && path.startsWith(candidate)).sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) path = path.slice(prefix.length) || '/';
    if (!path.startsWith('/')) path = `/${path}`;
  }
  const base = service?.path ?? '/';
  if (base === '/' || base === '') return path;
  return (base.endsWith('/') ? base.slice(0, -1) : base) + (path === '/' ? '' : path);
}

export async function callUpstream(kong: Pdk, timeoutMs: number, dispatcher: Dispatcher): Promise<UpstreamReply> {
  const service = kong.router.get_service();
  if (service === null) throw new Error('no service');
  const scheme = service.protocol === 'https' ? 'https' : 'http';
  const query = kong.request.get_raw_query();
  const url = `${scheme}://${service.host}:${service.port}${upstreamPath(kong)}${query ? `?${query}` : ''}`;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(kong.request.get_headers())) {
    if (name === 'transfer-encoding' || name === 'content-length' || name === 'host' || name === 'connection') continue;
    headers[name] = value;
  }
  headers.host = service.port === (scheme === 'https' ? 443 : 80) ? service.host : `${service.host}:${service.port}`;
  const body = await kong.request.get_raw_body();
  const method = kong.request.get_method();
  const response = await request(url, {
    method: method as Dispatcher.HttpMethod, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body,
    headersTimeout: timeoutMs, bodyTimeout: timeoutMs, dispatcher,
  });
  let data = Buffer.from(await response.body.arrayBuffer());
  const encoding = response.headers['content-encoding'];
  if (typeof encoding === 'string' && encoding.toLowerCase().includes('gzip')) data = gunzipSync(data);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || name === 'content-length' || name === 'content-encoding' || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue;
    out[name] = value;
  }
  return { status: response.statusCode, headers: out, body: data };
}
