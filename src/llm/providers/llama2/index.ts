// The llama2 driver: self-hosted models at `model.options.upstream_url` (required, no default
// host) in one of three wire formats chosen by `llama2_format` (kong/llm/drivers/llama2.lua,
// kong-ai.md §4, §5.4): raw (Llama-2 prompt template), openai (OpenAI-compatible servers such as
// vLLM or llama.cpp) and ollama.

import type { LlmConf } from '../../conf.ts';
import { fromOpenAiNative, OpenAiStreamTranslator, toOpenAiNative } from '../../formats/openai-compatible.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming } from '../types.ts';
import { fromOllamaResponse, toOllamaRequest } from '../../formats/ollama.ts';
import { OllamaStreamTranslator } from '../../formats/ollama-stream.ts';
import type { ChatRequest, CompletionRequest } from '../../protocols/openai.ts';
import { BOTH_PROMPT_AND_MESSAGES, fromRaw, toRaw } from './raw.ts';

type Llama2Format = 'raw' | 'openai' | 'ollama';

function formatOf(conf: LlmConf): Llama2Format {
  return conf.model.options?.llama2_format ?? 'raw';
}

function translatable(routeType: RouteType): routeType is 'llm/v1/chat' | 'llm/v1/completions' {
  return routeType === 'llm/v1/chat' || routeType === 'llm/v1/completions';
}

export const llama2Driver: ProviderDriver = {
  name: 'llama2',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions'],
  bodyAuth: false,
  streamFraming(conf: LlmConf): StreamFraming {
    return formatOf(conf) === 'ollama' ? 'ndjson' : 'sse';
  },
  upstream(input) {
    const url = input.conf.model.options?.upstream_url;
    // The schema requires upstream_url for llama2; without it there is nowhere to go.
    if (!url) return { ok: false, message: 'LLM request failed before proxying' };
    return { ok: true, value: composeUpstream(input, { base: url, path: '' }) };
  },
  toNative(routeType, request, context) {
    if (!translatable(routeType)) return noTransformer('llama2', routeType);
    const format = formatOf(context.conf);
    // OpenAI-compatible self-hosted servers may reject stream_options, so it is not added.
    if (format === 'openai') return toOpenAiNative(routeType, request, context, { requestStreamUsage: false });
    if (format === 'raw') return toRaw(request, context);
    // Kong's to_ollama answers this with its own plain 400 message.
    if ('prompt' in request && 'messages' in request) return { ok: false, message: BOTH_PROMPT_AND_MESSAGES };
    return toOllamaRequest(routeType, request as ChatRequest | CompletionRequest, context);
  },
  fromNative(routeType, body, context) {
    if (!translatable(routeType)) return { ok: false, message: `no transformer available from format llama2://${routeType}` };
    const format = formatOf(context.conf);
    if (format === 'openai') return fromOpenAiNative(routeType, body);
    return format === 'ollama' ? fromOllamaResponse(routeType, body, context) : fromRaw(routeType, body, context);
  },
  createStreamTranslator(routeType, context) {
    if (!translatable(routeType)) return undefined;
    const format = formatOf(context.conf);
    if (format === 'openai') return new OpenAiStreamTranslator(context, false);
    // Kong has no raw streaming: text-generation endpoints answer whole.
    return format === 'ollama' ? new OllamaStreamTranslator(routeType, context) : undefined;
  },
};
