// openai (kong/llm/drivers/openai.lua): api.openai.com, body passed through in OpenAI format.
// Portico adds `stream_options.include_usage` to streamed requests so usage is real, not estimated.

import type { LlmConf } from '../../conf.ts';
import { fromOpenAiNative, OpenAiStreamTranslator, toOpenAiNative } from '../../formats/openai-compatible.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';

const OPERATION_PATHS: Partial<Record<RouteType, string>> = {
  'llm/v1/chat': '/v1/chat/completions',
  'llm/v1/completions': '/v1/completions',
  'llm/v1/embeddings': '/v1/embeddings',
};

export const openaiDriver: ProviderDriver = {
  name: 'openai',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings', 'preserve'],
  bodyAuth: true,
  clearResponseHeaders: ['set-cookie'],
  streamFraming: (_conf: LlmConf): StreamFraming => 'sse',
  upstream(input) {
    const path = OPERATION_PATHS[input.routeType] ?? '';
    return { ok: true, value: composeUpstream(input, { base: 'https://api.openai.com', path }) };
  },
  toNative(routeType, request, context) {
    if (OPERATION_PATHS[routeType] === undefined) return noTransformer('openai', routeType);
    return toOpenAiNative(routeType, request, context, { requestStreamUsage: true });
  },
  fromNative: (routeType, body) => fromOpenAiNative(routeType, body),
  createStreamTranslator(routeType, context) {
    if (routeType !== 'llm/v1/chat' && routeType !== 'llm/v1/completions') return undefined;
    return new OpenAiStreamTranslator(context, true);
  },
};
