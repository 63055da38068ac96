// azure (kong/llm/drivers/azure.lua): Azure OpenAI deployments. URL
// https://<azure_instance>.openai.azure.com/openai/deployments/<azure_deployment_id>/<operation>
// with `api-version` = the client's `api-version` query arg if given, else azure_api_version.
// Auth: the configured header (normally `api-key`), or an Entra ID bearer token the glue obtains
// when auth.azure_use_managed_identity is set. Bodies are OpenAI's, passed through.

import type { LlmConf } from '../../conf.ts';
import { fromOpenAiNative, OpenAiStreamTranslator, toOpenAiNative } from '../../formats/openai-compatible.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';

export const DEFAULT_AZURE_API_VERSION = '2023-05-15';

const OPERATION_PATHS: Partial<Record<RouteType, string>> = {
  'llm/v1/chat': '/chat/completions',
  'llm/v1/completions': '/completions',
  'llm/v1/embeddings': '/embeddings',
};

function apiVersion(conf: LlmConf): string {
  return conf.model.options?.azure_api_version || DEFAULT_AZURE_API_VERSION;
}

/**
 * Azure accepts `stream_options` only from API version 2024-09-01(-preview) on; older versions
 * reject unknown fields, so Portico asks for stream usage only when the version allows it.
 */
export function supportsStreamUsage(version: string): boolean {
  return version >= '2024-09-01';
}

export const azureDriver: ProviderDriver = {
  name: 'azure',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings', 'preserve'],
  bodyAuth: true,
  clearResponseHeaders: ['set-cookie'],
  streamFraming: (_conf: LlmConf): StreamFraming => 'sse',
  upstream(input) {
    const options = input.conf.model.options;
    const instance = options?.azure_instance;
    const deployment = options?.azure_deployment_id;
    if (!options?.upstream_url && (!instance || !deployment)) {
      return { ok: false, message: 'azure_instance and azure_deployment_id are required for the azure provider' };
    }
    const clientVersion = new URLSearchParams(input.clientQuery).get('api-version');
    const target = composeUpstream(input, {
      base: `https://${instance}.openai.azure.com/openai/deployments/${deployment}`,
      path: OPERATION_PATHS[input.routeType] ?? '',
      query: { 'api-version': clientVersion || apiVersion(input.conf) },
    });
    if (input.credentials?.bearerToken && input.conf.auth?.azure_use_managed_identity) {
      target.headers.authorization = `Bearer ${input.credentials.bearerToken}`;
    }
    return { ok: true, value: target };
  },
  toNative(routeType, request, context) {
    if (OPERATION_PATHS[routeType] === undefined) return noTransformer('azure', routeType);
    return toOpenAiNative(routeType, request, context, { requestStreamUsage: supportsStreamUsage(apiVersion(context.conf)) });
  },
  fromNative: (routeType, body) => fromOpenAiNative(routeType, body),
  createStreamTranslator(routeType, context) {
    if (routeType !== 'llm/v1/chat' && routeType !== 'llm/v1/completions') return undefined;
    return new OpenAiStreamTranslator(context, supportsStreamUsage(apiVersion(context.conf)));
  },
};
