// The Ollama wire format (/api/chat, /api/generate), used by mistral and llama2 with
// `*_format = ollama` (kong/llm/drivers/shared.lua to_ollama / from_ollama). Request:
// {model, messages|prompt, stream, tools, tool_choice, options:{num_predict, temperature, top_p,
// top_k}}. Portico also converts OpenAI multimodal parts (text joined, data-URL images → `images`)
// and tool-call arguments (JSON string ⇄ object), which Ollama requires and Kong forwards as is.

import type { ChatMessage, ChatRequest, ChatResponse, CompletionRequest, CompletionResponse, ContentPart, FinishReason, ToolCall, Usage } from '../protocols/openai.ts';
import type { CanonicalRouteType } from '../protocols/route-types.ts';
import type { Translation, TranslateContext } from '../providers/types.ts';
import { decodeToolArguments } from './tool-arguments.ts';

type Json = Record<string, any>;

const DATA_URL = /^data:[^;,]+;base64,(.*)$/s;

function toOllamaMessage(message: ChatMessage): Translation<Json> {
  const out: Json = { role: message.role };
  if (Array.isArray(message.content)) {
    const texts: string[] = [];
    const images: string[] = [];
    for (const part of message.content as ContentPart[]) {
      if (part.type === 'text') texts.push((part as { text: string }).text);
      else if (part.type === 'image_url') {
        const match = DATA_URL.exec((part as { image_url: { url: string } }).image_url.url);
        if (!match) return { ok: false, message: 'ollama accepts only base64 data URL images' };
        images.push(match[1]!);
      }
    }
    out.content = texts.join('\n');
    if (images.length > 0) out.images = images;
  } else {
    out.content = message.content ?? '';
  }
  if (Array.isArray(message.tool_calls)) {
    const calls: Json[] = [];
    for (const call of message.tool_calls) {
      const args = decodeToolArguments(call.function?.arguments);
      if (!args) return { ok: false, message: 'failed to decode function call arguments, not JSON format' };
      calls.push({ function: { name: call.function?.name, arguments: args.value } });
    }
    out.tool_calls = calls;
  }
  if (message.tool_call_id !== undefined) out.tool_call_id = message.tool_call_id;
  return { ok: true, value: out };
}

export function toOllamaRequest(routeType: CanonicalRouteType, request: ChatRequest | CompletionRequest, context: TranslateContext): Translation<Json> {
  const body: Json = { model: context.model };
  if (routeType === 'llm/v1/chat') {
    const messages: Json[] = [];
    for (const message of (request as ChatRequest).messages) {
      const converted = toOllamaMessage(message);
      if (!converted.ok) return converted;
      messages.push(converted.value);
    }
    body.messages = messages;
    if ((request as ChatRequest).tools !== undefined) body.tools = (request as ChatRequest).tools;
    if ((request as ChatRequest).tool_choice !== undefined) body.tool_choice = (request as ChatRequest).tool_choice;
  } else {
    body.prompt = (request as CompletionRequest).prompt;
  }
  body.stream = request.stream === true;
  const options: Json = {};
  if (request.max_tokens !== undefined) options.num_predict = request.max_tokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.top_p !== undefined) options.top_p = request.top_p;
  if (request.top_k !== undefined) options.top_k = request.top_k;
  if (request.stop !== undefined) options.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (Object.keys(options).length > 0) body.options = options;
  return { ok: true, value: body };
}

export function ollamaUsage(frame: Json): Usage | undefined {
  if (typeof frame.prompt_eval_count !== 'number' && typeof frame.eval_count !== 'number') return undefined;
  const prompt = typeof frame.prompt_eval_count === 'number' ? frame.prompt_eval_count : 0;
  const completion = typeof frame.eval_count === 'number' ? frame.eval_count : 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Kong: the reported reason, else "length" when eval_count reached max_tokens, else "stop". */
export function ollamaFinishReason(frame: Json, request: unknown, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool_calls';
  if (typeof frame.done_reason === 'string' && frame.done_reason !== '') return frame.done_reason;
  const maxTokens = (request as { max_tokens?: unknown } | undefined)?.max_tokens;
  return typeof maxTokens === 'number' && frame.eval_count === maxTokens ? 'length' : 'stop';
}

export function ollamaToolCalls(raw: unknown): ToolCall[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((call: Json, index) => ({
    id: typeof call.id === 'string' ? call.id : `call_${index}`,
    type: 'function' as const,
    function: { name: String(call.function?.name), arguments: typeof call.function?.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function?.arguments ?? {}) },
  }));
}

/** Ollama's ISO `created_at` as OpenAI's unix seconds (Kong copies the ISO string). */
export function ollamaCreated(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : Math.floor(millis / 1000);
}

export function fromOllamaResponse(routeType: CanonicalRouteType, body: unknown, context: TranslateContext): Translation<ChatResponse | CompletionResponse> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'response is not a JSON object' };
  const frame = body as Json;
  if (typeof frame.error === 'string') return { ok: false, message: frame.error };
  const common: Json = { model: typeof frame.model === 'string' ? frame.model : context.model };
  const created = ollamaCreated(frame.created_at);
  if (created !== undefined) common.created = created;
  const usage = ollamaUsage(frame);
  if (usage) common.usage = usage;
  if (routeType === 'llm/v1/completions') {
    if (typeof frame.response !== 'string') return { ok: false, message: "'response' not in ollama generate response" };
    return { ok: true, value: { ...common, object: 'text_completion', choices: [{ index: 0, text: frame.response, logprobs: null, finish_reason: ollamaFinishReason(frame, context.request, false) }] } };
  }
  if (typeof frame.message !== 'object' || frame.message === null) return { ok: false, message: "'message' not in ollama chat response" };
  const toolCalls = ollamaToolCalls(frame.message.tool_calls);
  const message: ChatMessage = { role: frame.message.role ?? 'assistant', content: frame.message.content ?? '' };
  if (toolCalls) message.tool_calls = toolCalls;
  return { ok: true, value: { ...common, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: ollamaFinishReason(frame, context.request, toolCalls !== undefined) }] } };
}
