// Canonical (OpenAI) → Gemini generateContent / embedContent bodies, after Kong's
// kong/llm/drivers/gemini.lua `to_gemini_chat_openai` (kong-ai.md §5.5).

import type { ChatMessage, ChatRequest, ContentPart, EmbeddingsRequest } from '../../protocols/openai.ts';
import type { Translation, TranslateContext } from '../types.ts';

export type GeminiPart = Record<string, unknown>;
export type GeminiContent = { role: string; parts: GeminiPart[] };

const ROLE_MAP: Record<string, string> = { system: 'system', user: 'user', assistant: 'model' };

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** `data:<mime>;base64,<data>` → inlineData; anything else (https, gs://) → fileData, as Kong does. */
function imagePart(url: string): Translation<GeminiPart> {
  if (url.length < 10) return fail('could not decode OpenAI image-part, image URL is less than 10 bytes, which is not parsable');
  if (url.startsWith('data:')) {
    const semicolon = url.indexOf(';');
    const comma = url.indexOf(',');
    const mimeType = url.slice(5, semicolon === -1 ? comma : semicolon);
    return { ok: true, value: { inlineData: { data: comma === -1 ? undefined : url.slice(comma + 1), mimeType } } };
  }
  return { ok: true, value: { fileData: { fileUri: url, mimeType: 'image/generic' } } };
}

function contentPart(part: ContentPart): Translation<GeminiPart> {
  if (part.type === 'image_url') {
    const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
    if (typeof url !== 'string') return fail("message part type is 'image_url' but is missing .image_url.url block");
    return imagePart(url);
  }
  if (part.type === 'text') {
    const text = (part as { text?: unknown }).text;
    if (typeof text !== 'string') return fail("message part type is 'text' but is missing .text block");
    return { ok: true, value: { text } };
  }
  return fail(`cannot transform part of type '${String(part.type)}' to Gemini format`);
}

/** A system message's text: the string, or its text parts joined (OpenAI allows both). */
function systemText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part) => (part.type === 'text' ? String((part as { text?: unknown }).text ?? '') : '')).join('') : '';
}

function messageParts(message: ChatMessage, position: number): Translation<GeminiPart[]> {
  const content = message.content;
  if (typeof content === 'string') return { ok: true, value: [{ text: content }] };
  if (Array.isArray(content)) {
    if (content.length === 0) return fail(`message at position ${position} does not match expected array format`);
    const parts: GeminiPart[] = [];
    for (const part of content) {
      const converted = contentPart(part);
      if (!converted.ok) return converted;
      parts.push(converted.value);
    }
    return { ok: true, value: parts };
  }
  return { ok: true, value: [] };
}

export function toGeminiChat(request: ChatRequest, context: TranslateContext): Translation<Record<string, unknown>> {
  const options = context.conf.model.options ?? {};
  const contents: GeminiContent[] = [];
  let system: string | undefined;
  const messages = Array.isArray(request.messages) ? request.messages : [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (message.role === 'system') {
      // Kong concatenates every system message without a separator.
      system = (system ?? '') + systemText(message.content);
    } else if (message.role === 'tool') {
      // Kong hard-codes the function name of a tool result to "get_product_info".
      contents.push({
        role: 'function',
        parts: [{ function_response: { response: { content: [message.content] }, name: 'get_product_info' } }],
      });
    } else if (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      // Kong sends only each call's name, under role "function".
      contents.push({ role: 'function', parts: message.tool_calls.map((call) => ({ function_call: { name: call.function?.name } })) });
    } else {
      const parts = messageParts(message, index + 1);
      if (!parts.ok) return parts;
      contents.push({ role: ROLE_MAP[message.role ?? 'user'] ?? ROLE_MAP.user, parts: parts.value });
    }
  }

  const body: Record<string, unknown> = { contents };
  if (system !== undefined) {
    if ((context.model ?? '').startsWith('gemini-1.0')) return fail("system prompts aren't supported on gemini-1.0 models");
    body.systemInstruction = { parts: [{ text: system }] };
  }
  // Configured sampling options win over the client's (Kong's merge_config_defaults).
  body.generationConfig = dropUndefined({
    maxOutputTokens: options.max_tokens ?? request.max_tokens,
    stopSequences: typeof request.stop === 'string' ? [request.stop] : request.stop,
    temperature: options.temperature ?? request.temperature,
    topK: options.top_k ?? request.top_k,
    topP: options.top_p ?? request.top_p,
  });
  if (Array.isArray(request.tools)) {
    const declarations = request.tools.filter((tool) => tool?.function).map((tool) => tool.function);
    if (declarations.length > 0) body.tools = [{ function_declarations: declarations }];
  }
  if (request.tool_config !== undefined) body.tool_config = request.tool_config;
  else if (request.tool_choice !== undefined && body.tools !== undefined) body.tool_config = toolConfig(request.tool_choice);
  return { ok: true, value: body };
}

/**
 * OpenAI tool_choice → Gemini function_calling_config (Portico addition: Kong forwards only a
 * client-supplied `tool_config` and drops tool_choice).
 */
function toolConfig(choice: ChatRequest['tool_choice']): Record<string, unknown> {
  if (typeof choice === 'object' && choice?.function?.name) {
    return { function_calling_config: { mode: 'ANY', allowed_function_names: [choice.function.name] } };
  }
  const mode = choice === 'required' ? 'ANY' : choice === 'none' ? 'NONE' : 'AUTO';
  return { function_calling_config: { mode } };
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

/**
 * Embeddings (Portico addition; Kong OSS has no Gemini embeddings). Gemini API: always
 * batchEmbedContents (it takes one input as well as many; each request names the model).
 * Vertex: the publisher model's `:predict` with `instances`.
 */
export function toGeminiEmbeddings(request: EmbeddingsRequest, context: TranslateContext): Translation<Record<string, unknown>> {
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((item) => typeof item === 'string') ? (input as string[]) : undefined;
  if (!texts || texts.length === 0) return fail('Gemini embeddings accept a string or an array of strings as input');
  if (isVertexMode(context.conf)) {
    return { ok: true, value: dropUndefined({ instances: texts.map((content) => ({ content })), parameters: request.dimensions ? { outputDimensionality: request.dimensions } : undefined }) };
  }
  const one = (text: string) =>
    dropUndefined({ model: `models/${context.model}`, content: { parts: [{ text }] }, outputDimensionality: request.dimensions });
  return { ok: true, value: { requests: texts.map(one) } };
}

/** Kong's is_vertex_mode: all three `model.options.gemini.*` coordinates set. */
export function isVertexMode(conf: TranslateContext['conf']): boolean {
  const gemini = conf.model.options?.gemini;
  return Boolean(gemini?.api_endpoint && gemini.project_id && gemini.location_id);
}
