// Points the upstream request at the provider (Kong's driver configure_request): scheme, host,
// port, path, query, method and auth headers from the driver's UpstreamRequest. The client never
// chooses where the request goes or which credential it carries: credential headers it sent are
// cleared unless `auth.allow_override` lets its value of the configured header through.
import type { Pdk } from '../../pdk/index.ts';
import type { LlmConf } from '../../llm/conf.ts';
import { parsedUrl } from '../../llm/parsed-url.ts';
import type { HeaderBag, UpstreamRequest } from '../../llm/providers/types.ts';

/** Headers that carry provider credentials (OpenAI/Azure/Anthropic/Gemini/AWS). */
const CREDENTIAL_HEADERS = ['authorization', 'api-key', 'x-api-key', 'x-goog-api-key', 'x-amz-security-token', 'x-amz-date', 'x-amz-content-sha256'];

export function applyUpstream(kong: Pdk, conf: LlmConf, target: UpstreamRequest, clientHeaders: HeaderBag): void {
  const url = parsedUrl(target.url);
  const https = url.protocol === 'https:';
  kong.service.request.set_scheme(https ? 'https' : 'http');
  kong.service.set_target(url.address, url.port === '' ? (https ? 443 : 80) : Number(url.port));
  // Kept encoded: Bedrock signs `%3A` in model ids, and the proxy leaves `%XX` escapes alone.
  kong.service.request.set_path(url.pathname);
  kong.service.request.set_raw_query(url.query);
  kong.service.request.set_method(target.method);
  // The Host header follows the provider (TLS SNI and virtual hosting need it).
  kong.service.request.set_header('Host', url.host);

  const overridable = conf.auth?.allow_override ? conf.auth.header_name?.toLowerCase() : undefined;
  for (const name of CREDENTIAL_HEADERS) {
    if (name === overridable || target.headers[name] !== undefined) continue;
    if (clientHeaders[name] !== undefined) kong.service.request.clear_header(name);
  }
  if (target.removeHeaders !== undefined) for (const name of target.removeHeaders) kong.service.request.clear_header(name);
  for (const name in target.headers) kong.service.request.set_header(name, target.headers[name]!);
}
