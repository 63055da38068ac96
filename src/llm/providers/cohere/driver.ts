// cohere (kong/llm/drivers/cohere.lua): api.cohere.com v1 — /v1/chat, /v1/generate, /v1/embed.
// As in Kong, a request carrying `tools` is sent in OpenAI shape (Cohere's v1 chat does not take
// OpenAI tools; docs/compat.md).

import type { LlmConf } from '../../conf.ts';
import { toOpenAiNative } from '../../formats/openai-compatible.ts';
import type { ChatRequest, CompletionRequest, EmbeddingsRequest } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { errorTransformingTo, noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';
import { toCohereEmbed, toCohereGeneration } from './request.ts';
import { fromCohere } from './response.ts';
import { CohereStreamTranslator } from './stream.ts';

const OPERATION_PATHS: Partial<Record<RouteType, string>> = {
  'llm/v1/chat': '/v1/chat',
  'llm/v1/completions': '/v1/generate',
  'llm/v1/embeddings': '/v1/embed',
};

export const cohereDriver: ProviderDriver = {
  name: 'cohere',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings', 'preserve'],
  bodyAuth: true,
  streamFraming: (_conf: LlmConf): StreamFraming => 'ndjson',
  upstream(input) {
    const path = OPERATION_PATHS[input.routeType] ?? '';
    return { ok: true, value: composeUpstream(input, { base: 'https://api.cohere.com', path }) };
  },
  toNative(routeType, request, context) {
    if (OPERATION_PATHS[routeType] === undefined) return noTransformer('cohere', routeType);
    if (routeType === 'llm/v1/embeddings') {
      const embed = toCohereEmbed(request as EmbeddingsRequest, context);
      return embed.ok ? embed : errorTransformingTo('cohere', routeType, embed.message);
    }
    if ((request as ChatRequest).tools !== undefined) return toOpenAiNative(routeType, request, context, { requestStreamUsage: false });
    return toCohereGeneration(request as ChatRequest | CompletionRequest, context);
  },
  fromNative(routeType, body, context) {
    if (OPERATION_PATHS[routeType] === undefined) return noTransformer('cohere', routeType);
    return fromCohere(routeType, body, context.model);
  },
  createStreamTranslator(routeType, context) {
    if (routeType !== 'llm/v1/chat' && routeType !== 'llm/v1/completions') return undefined;
    return new CohereStreamTranslator(routeType, context);
  },
};
