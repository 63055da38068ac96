// The huggingface driver: the serverless Inference API (or a dedicated endpoint through
// `upstream_url`), after kong/llm/drivers/huggingface.lua (kong-ai.md §4, §5.7). Chat appends
// /v1/chat/completions even to a configured upstream_url; completions post to the URL itself.

import type { LlmConf } from '../../conf.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';
import { fromHuggingFace, toHuggingFace } from './convert.ts';
import { HuggingFaceStreamTranslator } from './stream.ts';

/** Kong's message, typo included. */
export const NO_HF_ENDPOINT = 'Could not parse the Hugging Face model endponit';

function translatable(routeType: RouteType): routeType is 'llm/v1/chat' | 'llm/v1/completions' {
  return routeType === 'llm/v1/chat' || routeType === 'llm/v1/completions';
}

export const huggingfaceDriver: ProviderDriver = {
  name: 'huggingface',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions'],
  bodyAuth: false,
  streamFraming: (_conf: LlmConf): StreamFraming => 'sse',
  upstream(input) {
    const upstreamUrl = input.conf.model.options?.upstream_url;
    if (!upstreamUrl && !input.model) return { ok: false, message: NO_HF_ENDPOINT };
    const request = composeUpstream(input, {
      base: `https://api-inference.huggingface.co/models/${input.model ?? ''}`,
      path: input.routeType === 'llm/v1/chat' ? '/v1/chat/completions' : '',
      appendPathToUpstreamUrl: true,
      // Kong's HF driver sets header auth unconditionally and ignores param auth.
      skipAuth: true,
    });
    const auth = input.conf.auth;
    if (auth?.header_name && auth.header_value != null) request.headers[auth.header_name.toLowerCase()] = auth.header_value;
    return { ok: true, value: request };
  },
  toNative(routeType, request, context) {
    if (!translatable(routeType)) return noTransformer('huggingface', routeType);
    return toHuggingFace(routeType, request, context);
  },
  fromNative(routeType, body, context) {
    if (!translatable(routeType)) return { ok: false, message: `no transformer available from format huggingface://${routeType}` };
    return fromHuggingFace(routeType, body, context);
  },
  createStreamTranslator(routeType, context) {
    return translatable(routeType) ? new HuggingFaceStreamTranslator(routeType, context) : undefined;
  },
};
