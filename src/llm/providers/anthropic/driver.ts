// anthropic (kong/llm/drivers/anthropic.lua): Messages API at api.anthropic.com with the
// `anthropic-version` header from model.options.anthropic_version; auth via the configured header
// (normally `x-api-key`).

import type { LlmConf } from '../../conf.ts';
import type { ChatRequest, CompletionRequest } from '../../protocols/openai.ts';
import { formatLabel } from '../../protocols/route-types.ts';
import { errorTransformingTo, noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';
import { toAnthropicRequest } from './request.ts';
import { fromAnthropicResponse } from './response.ts';
import { AnthropicStreamTranslator } from './stream.ts';

export const anthropicDriver: ProviderDriver = {
  name: 'anthropic',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions', 'preserve'],
  bodyAuth: false,
  streamFraming: (_conf: LlmConf): StreamFraming => 'sse',
  upstream(input) {
    const version = input.conf.model.options?.anthropic_version;
    const headers = version ? { 'anthropic-version': version } : undefined;
    const path = input.routeType === 'preserve' ? '' : '/v1/messages';
    return { ok: true, value: composeUpstream(input, { base: 'https://api.anthropic.com', path, headers }) };
  },
  toNative(routeType, request, context) {
    if (routeType !== 'llm/v1/chat' && routeType !== 'llm/v1/completions') return noTransformer('anthropic', routeType);
    const result = toAnthropicRequest(request as ChatRequest | CompletionRequest, routeType === 'llm/v1/completions', context);
    return result.ok ? result : errorTransformingTo('anthropic', routeType, result.message);
  },
  fromNative(routeType, body) {
    if (routeType !== 'llm/v1/chat' && routeType !== 'llm/v1/completions') return noTransformer('anthropic', routeType);
    return fromAnthropicResponse(body, routeType === 'llm/v1/completions', formatLabel('anthropic', routeType));
  },
  createStreamTranslator(routeType, context) {
    if (routeType !== 'llm/v1/chat' && routeType !== 'llm/v1/completions') return undefined;
    return new AnthropicStreamTranslator(routeType, context);
  },
};
