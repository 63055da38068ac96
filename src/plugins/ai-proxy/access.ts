// ai-proxy access (Kong's parse-request → normalize-request filters, kong-ai.md §3): parse the
// client body once, resolve templated model options, validate with Kong's 400 bodies, translate
// to the provider's format, and point the upstream request at the provider with its credential.
import type { Pdk } from '../../pdk/index.ts';
import type { LlmConf } from '../../llm/conf.ts';
import { BEFORE_PROXYING_MESSAGE, type CredentialSource } from '../../llm/client/credentials.ts';
import { resolveModelTemplates } from '../../llm/model-template.ts';
import { errorBody } from '../../llm/protocols/openai.ts';
import type { CanonicalRequest } from '../../llm/protocols/openai.ts';
import { applyBodyAuth } from '../../llm/upstream.ts';
import { forwardedRequestBody, loadRequestBody } from '../../llm/request-body.ts';
import type { CloudCredentials, ProviderDriver } from '../../llm/providers/types.ts';
import { validateRequest } from '../../llm/validate.ts';
import { STATE_KEY, type AiRequestState } from './state.ts';
import { applyUpstream } from './upstream.ts';

export interface PreparedAiProxy {
  conf: LlmConf & { max_request_body_size?: number | null };
  driver: ProviderDriver;
  pluginId: string;
  credentials: CredentialSource;
  /** Some `model` string holds a `$(source.key)` template (resolved per request). */
  templated: boolean;
}

function queryParams(kong: Pdk): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [key, value] of Object.entries(kong.request.get_query())) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return out;
}

function reject(kong: Pdk, status: number, message: string): void {
  kong.response.exit(status, errorBody(message));
}

export async function aiProxyAccess(kong: Pdk, prepared: PreparedAiProxy): Promise<void> {
  const baseConf = prepared.conf;
  const driver = prepared.driver;
  // Parsed once per request and shared with the AI plugins before (Kong's parse-request filter).
  const body = await loadRequestBody(kong.ctx.shared, kong.request, kong.request.get_header('content-type'), baseConf.max_request_body_size ?? 8192);
  const startedAt = performance.now();
  const headers = kong.request.get_headers();

  let conf: LlmConf = baseConf;
  if (prepared.templated) {
    const model = resolveModelTemplates(baseConf.model, {
      uri_captures: kong.request.get_uri_captures().named,
      headers,
      query_params: queryParams(kong),
    });
    if (!model.ok) return reject(kong, 400, model.message);
    conf = { ...baseConf, model: model.value };
  }

  const format = conf.llm_format ?? 'openai';
  let routeType = conf.route_type;
  let modelName: string | undefined;
  let stream: boolean;
  let request: CanonicalRequest | undefined;
  let upstreamBody: string | Buffer;
  if (format !== 'openai' && driver.nativeFormat !== undefined) {
    // Native clients (kong-ai.md §7): the body goes upstream untouched; the OpenAI-shaped copy is
    // only for introspection and analytics.
    const info = driver.nativeFormat.toCanonical(body, kong.request.get_path(), kong.request.get_uri_captures().named);
    modelName = conf.model.name || info.model;
    stream = info.stream;
    request = info.request;
    routeType = 'llm/v1/chat';
    upstreamBody = await forwardedRequestBody(kong.ctx.shared, kong.request);
  } else {
    const validated = validateRequest(conf, body);
    if (!validated.ok) return kong.response.exit(validated.status, validated.body);
    ({ routeType, model: modelName, stream } = validated.value);
    if (routeType === 'preserve') {
      upstreamBody = await forwardedRequestBody(kong.ctx.shared, kong.request);
    } else {
      request = validated.value.request;
      const native = driver.toNative(routeType, request, { conf, model: modelName, request });
      if (!native.ok) return reject(kong, 400, native.message);
      if (driver.bodyAuth && typeof native.value === 'object' && native.value !== null) {
        applyBodyAuth(conf, native.value as Record<string, unknown>);
      }
      upstreamBody = JSON.stringify(native.value);
    }
  }

  let credentials: CloudCredentials | undefined;
  try {
    const pending = prepared.credentials.get();
    credentials = pending instanceof Promise ? await pending : pending;
  } catch (error) {
    kong.log.err('could not obtain the cloud identity: ', error);
    return reject(kong, 500, BEFORE_PROXYING_MESSAGE);
  }
  const target = driver.upstream({
    conf,
    routeType,
    model: modelName,
    stream,
    clientMethod: kong.request.get_method(),
    clientPath: kong.request.get_path(),
    clientQuery: kong.request.get_raw_query(),
    clientHeaders: headers,
    body: upstreamBody,
    credentials,
  });
  if (!target.ok) return reject(kong, 500, target.message);

  applyUpstream(kong, conf, target.value, headers);
  kong.service.request.set_raw_body(upstreamBody);
  if (!stream) kong.service.request.enable_buffering();

  const state: AiRequestState = {
    conf, driver, routeType, model: modelName, stream, request,
    native: format !== 'openai', startedAt,
    // Kept for the whole round trip only when it will be logged.
    requestPayload: conf.logging?.log_payloads ? upstreamBody : undefined,
  };
  kong.ctx.plugin[STATE_KEY] = state;
}
