// Hugging Face Inference API request/response conversion, after Kong's
// kong/llm/drivers/huggingface.lua (kong-ai.md §5.7): chat goes to the model's OpenAI-compatible
// /v1/chat/completions route, completions to the text-generation task (`inputs`).

import type { ChatChoice, ChatResponse, CompletionResponse } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import type { Translation, TranslateContext } from '../types.ts';

export function toHuggingFace(routeType: RouteType, request: Record<string, unknown>, context: TranslateContext): Translation<Record<string, unknown>> {
  const body: Record<string, unknown> = { ...request };
  const parameters: Record<string, unknown> = { ...((request.parameters as Record<string, unknown> | undefined) ?? {}) };
  // Sampling fields move under `parameters` unless the client already set them there.
  for (const key of ['top_k', 'top_p', 'temperature'] as const) {
    if (parameters[key] === undefined && request[key] !== undefined) parameters[key] = request[key];
    delete body[key];
  }
  if (request.max_tokens !== undefined) {
    // Conversational models take max_length, text generation max_new_tokens (Kong's split).
    const target = routeType === 'llm/v1/completions' ? 'max_new_tokens' : 'max_length';
    if (parameters[target] === undefined) parameters[target] = request.max_tokens;
  }
  delete body.max_tokens;
  if (routeType === 'llm/v1/completions') {
    body.inputs = request.prompt;
    delete body.prompt;
  }
  const hf = context.conf.model.options?.huggingface;
  body.options = { use_cache: hf?.use_cache ?? false, wait_for_model: hf?.wait_for_model ?? false };
  body.parameters = parameters;
  body.model = context.model ?? request.model;
  return { ok: true, value: body };
}

function contentOf(choice: unknown): string {
  const content = (choice as { message?: { content?: unknown } } | null)?.message?.content;
  return typeof content === 'string' ? content : '';
}

/**
 * Kong's answers use finish_reason "complete" whatever the model said. Portico keeps OpenAI's
 * `object` names, adds the assistant role, and gives completions `text` next to Kong's `message`
 * so OpenAI clients read them (docs/compat.md).
 */
export function fromHuggingFace(routeType: RouteType, body: unknown, context: TranslateContext): Translation<ChatResponse | CompletionResponse> {
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (!record && !Array.isArray(body)) return { ok: false, message: 'Failed to decode response' };
  const error = record?.error ?? record?.message;
  if (error !== undefined && error !== null) {
    return { ok: false, message: `API error: ${typeof error === 'string' ? error : JSON.stringify(error)}` };
  }
  let contents: string[];
  const generated = Array.isArray(body) ? (body[0] as { generated_text?: unknown } | undefined)?.generated_text : undefined;
  if (typeof generated === 'string') contents = [generated];
  else if (Array.isArray(record?.choices)) contents = record.choices.map(contentOf);
  else return { ok: false, message: 'Invalid response format' };

  const usage = record?.usage as ChatResponse['usage'] | undefined;
  if (routeType === 'llm/v1/completions') {
    const choices = contents.map((content, index) => ({ index, text: content, message: { content }, finish_reason: 'complete' }));
    const result: CompletionResponse = { choices, model: context.model, object: 'text_completion' };
    if (usage) result.usage = usage;
    return { ok: true, value: result };
  }
  const choices: ChatChoice[] = contents.map((content, index) => ({ index, message: { role: 'assistant', content }, finish_reason: 'complete' }));
  const result: ChatResponse = { choices, model: context.model, object: 'chat.completion' };
  if (usage) result.usage = usage;
  return { ok: true, value: result };
}
