// `llama2_format = raw`: Hugging Face text-generation style endpoints fed a Llama-2 prompt
// template (kong/llm/drivers/llama2.lua `to_raw` / `from_raw`, kong-ai.md §5.4).

import type { ChatMessage, ChatResponse, CompletionResponse, MessageContent } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import type { Translation, TranslateContext } from '../types.ts';

const INST_END = '[/INST]';

export const BOTH_PROMPT_AND_MESSAGES =
  "cannot run raw 'prompt' and chat history 'messages' requests at the same time - refer to schema";

function text(content: MessageContent | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/**
 * Kong's template, position-based: the first message is the system prompt and the second the
 * first question whatever their roles; later `system` messages are treated as model answers
 * and `user` messages open a new [INST]; assistant messages are dropped.
 */
export function messagesToInst(messages: ChatMessage[]): string {
  let out = '';
  messages.forEach((message, index) => {
    const content = text(message.content);
    if (index === 0) out += `<s>[INST] <<SYS>> ${content} <</SYS>>`;
    else if (index === 1) out += ` ${content} [/INST]`;
    else if (message.role === 'system') out += ` ${content} </s>`;
    else if (message.role === 'user') out += ` <s>[INST] ${content} [/INST]`;
  });
  return out;
}

export function toRaw(request: Record<string, unknown>, context: TranslateContext): Translation<Record<string, unknown>> {
  const options = context.conf.model.options ?? {};
  const messages = request.messages;
  const prompt = request.prompt;
  if (prompt !== undefined && messages !== undefined) return { ok: false, message: BOTH_PROMPT_AND_MESSAGES };
  let inputs: string | undefined;
  if (Array.isArray(messages)) inputs = messagesToInst(messages as ChatMessage[]);
  else if (typeof prompt === 'string') inputs = `<s> [INST] <<SYS>> You are a helpful assistant. <<SYS>> ${prompt} [/INST]`;
  // Configured options win; Kong defaults top_p to 1.0 and top_k to 40 for raw endpoints.
  const parameters: Record<string, unknown> = {
    max_new_tokens: options.max_tokens ?? request.max_tokens,
    temperature: options.temperature ?? request.temperature,
    top_k: options.top_k ?? request.top_k ?? 40,
    top_p: options.top_p ?? request.top_p ?? 1,
    stream: request.stream === true,
  };
  for (const key of Object.keys(parameters)) if (parameters[key] === undefined || parameters[key] === null) delete parameters[key];
  return { ok: true, value: { inputs, parameters } };
}

/** `{data:[{generated_text}]}` (or TGI's bare array) → the text after the last `[/INST]`, trimmed. */
export function fromRaw(routeType: RouteType, body: unknown, context: TranslateContext): Translation<ChatResponse | CompletionResponse> {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const data = Array.isArray(body) ? body : record?.data;
  if (!Array.isArray(data) || data.length !== 1) return { ok: false, message: 'cannot parse response from llama2 endpoint' };
  const generated = (data[0] as { generated_text?: unknown } | null)?.generated_text;
  if (typeof generated !== 'string') return { ok: false, message: 'response data is empty from llama2 endpoint' };
  const marker = generated.lastIndexOf(INST_END);
  const answer = (marker === -1 ? generated : generated.slice(marker + INST_END.length)).trim();
  const usage = record?.usage as ChatResponse['usage'] | undefined;
  if (routeType === 'llm/v1/completions') {
    const result: CompletionResponse = { choices: [{ index: 0, text: answer, finish_reason: null }], model: context.model, object: 'text_completion' };
    if (usage) result.usage = usage;
    return { ok: true, value: result };
  }
  const result: ChatResponse = {
    choices: [{ index: 0, message: { content: answer, role: 'assistant' }, finish_reason: null }],
    model: context.model,
    object: 'chat.completion',
  };
  if (usage) result.usage = usage;
  return { ok: true, value: result };
}
