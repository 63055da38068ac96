// mistral (kong/llm/drivers/mistral.lua): `mistral_format = openai` talks api.mistral.ai (or
// upstream_url) in OpenAI format; `mistral_format = ollama` talks an Ollama server (upstream_url)
// in Ollama format. Mistral reports stream usage unasked and rejects unknown fields, so no
// stream_options are added. Completions exist only in the Ollama format (/api/generate).

import type { LlmConf } from '../../conf.ts';
import { fromOllamaResponse, toOllamaRequest } from '../../formats/ollama.ts';
import { OllamaStreamTranslator } from '../../formats/ollama-stream.ts';
import { fromOpenAiNative, OpenAiStreamTranslator, toOpenAiNative } from '../../formats/openai-compatible.ts';
import type { ChatRequest, CompletionRequest } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { errorTransformingTo, noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';

const OPENAI_PATHS: Partial<Record<RouteType, string>> = {
  'llm/v1/chat': '/v1/chat/completions',
  'llm/v1/embeddings': '/v1/embeddings',
};

function isOllama(conf: LlmConf): boolean {
  return conf.model.options?.mistral_format === 'ollama';
}

function supported(conf: LlmConf, routeType: RouteType): boolean {
  if (isOllama(conf)) return routeType === 'llm/v1/chat' || routeType === 'llm/v1/completions';
  return OPENAI_PATHS[routeType] !== undefined;
}

export const mistralDriver: ProviderDriver = {
  name: 'mistral',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings', 'preserve'],
  bodyAuth: true,
  clearResponseHeaders: ['set-cookie'],
  streamFraming: (conf: LlmConf): StreamFraming => (isOllama(conf) ? 'ndjson' : 'sse'),
  upstream(input) {
    // Kong has no Mistral completions path: '/' unless upstream_url says otherwise.
    const path = OPENAI_PATHS[input.routeType] ?? '';
    return { ok: true, value: composeUpstream(input, { base: 'https://api.mistral.ai', path }) };
  },
  toNative(routeType, request, context) {
    if (!supported(context.conf, routeType)) return noTransformer('mistral', routeType);
    if (!isOllama(context.conf)) return toOpenAiNative(routeType, request, context, { requestStreamUsage: false });
    const result = toOllamaRequest(routeType as 'llm/v1/chat', request as ChatRequest | CompletionRequest, context);
    return result.ok ? result : errorTransformingTo('mistral', routeType, result.message);
  },
  fromNative(routeType, body, context) {
    if (!supported(context.conf, routeType)) return noTransformer('mistral', routeType);
    if (!isOllama(context.conf)) return fromOpenAiNative(routeType, body);
    return fromOllamaResponse(routeType as 'llm/v1/chat', body, context);
  },
  createStreamTranslator(routeType, context) {
    if (routeType === 'llm/v1/embeddings' || routeType === 'preserve' || !supported(context.conf, routeType)) return undefined;
    return isOllama(context.conf) ? new OllamaStreamTranslator(routeType, context) : new OpenAiStreamTranslator(context, false);
  },
};
