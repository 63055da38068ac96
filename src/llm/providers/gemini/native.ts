// `llm_format = gemini`: clients speak the Gemini API through ai-proxy. Kong
// (kong/llm/adapters/gemini.lua) reads the native body into an OpenAI-shaped copy for the other
// AI plugins and analytics only; the native body and answer pass through untouched (kong-ai.md §7).
// Gemini accepts both camelCase and snake_case field names, so both are read.

import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolDefinition } from '../../protocols/openai.ts';
import type { NativeFormatAdapter, NativeRequestInfo } from '../types.ts';

type Json = Record<string, any>;

const ROLE_MAP: Record<string, string> = { human: 'user', model: 'assistant', function: 'tool' };

function pick(record: Json | undefined, camel: string, snake: string): any {
  return record?.[camel] ?? record?.[snake];
}

function toPart(part: Json): ContentPart | undefined {
  if (typeof part.text === 'string') return { type: 'text', text: part.text };
  const inline = pick(part, 'inlineData', 'inline_data');
  if (inline) return { type: 'image_url', image_url: { url: `data:${pick(inline, 'mimeType', 'mime_type')};base64,${inline.data}` } };
  // Kong maps every file reference to image_url (OpenAI chat has no audio/video part).
  const file = pick(part, 'fileData', 'file_data');
  if (file) return { type: 'image_url', image_url: { url: String(pick(file, 'fileUri', 'file_uri')) } };
  return undefined;
}

function toMessage(content: Json): ChatMessage {
  const role = typeof content.role === 'string' ? (ROLE_MAP[content.role] ?? content.role) : 'user';
  const message: ChatMessage = { role };
  const parts: Json[] = Array.isArray(content.parts) ? content.parts : content.parts && typeof content.parts === 'object' ? [content.parts] : [];
  const converted: ContentPart[] = [];
  const calls: ToolCall[] = [];
  for (const part of parts) {
    const call = pick(part, 'functionCall', 'function_call');
    const response = pick(part, 'functionResponse', 'function_response');
    if (call) {
      // Gemini has no call ids; Kong uses the function name.
      calls.push({ id: String(call.name), type: 'function', function: { name: String(call.name), arguments: JSON.stringify(call.args ?? {}) } });
    } else if (response) {
      const value = response.response?.content ?? response.response;
      message.content = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    } else {
      const openaiPart = toPart(part);
      if (openaiPart) converted.push(openaiPart);
    }
  }
  if (converted.length > 0) message.content = converted;
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

/** Model and streaming from named captures, else `/models/<model>:<operation>` at the end of the path. */
export function geminiModelAndStream(path: string, captures?: Readonly<Record<string, string>>): { model?: string; stream: boolean } {
  let model = captures?.model;
  let operation = captures?.operation;
  if (!model || !operation) {
    const match = /\/models\/([^:/]+):([^/]+)$/.exec(path);
    model = match?.[1] ?? model;
    operation = match?.[2] ?? operation;
  }
  return { model: model === undefined ? undefined : decodeURIComponent(model), stream: operation === 'streamGenerateContent' };
}

export function geminiNativeToCanonical(body: unknown, path: string, captures?: Readonly<Record<string, string>>): NativeRequestInfo {
  const native = (typeof body === 'object' && body !== null ? body : {}) as Json;
  const { model, stream } = geminiModelAndStream(path, captures);
  const contents = native.contents;
  const list: Json[] = Array.isArray(contents) ? contents : contents && typeof contents === 'object' ? [contents] : [];
  const messages = list.filter((item) => item && typeof item === 'object').map(toMessage);
  const system = pick(native, 'systemInstruction', 'system_instruction');
  const systemParts: Json[] = Array.isArray(system?.parts) ? system.parts : system?.parts ? [system.parts] : [];
  if (typeof systemParts[0]?.text === 'string') messages.unshift({ role: 'system', content: [{ type: 'text', text: systemParts[0].text }] });

  const request: ChatRequest = { messages, stream };
  if (model !== undefined) request.model = model;
  const config = pick(native, 'generationConfig', 'generation_config') as Json | undefined;
  if (config) {
    const mapped: Record<string, unknown> = {
      temperature: config.temperature,
      max_tokens: pick(config, 'maxOutputTokens', 'max_output_tokens'),
      top_p: pick(config, 'topP', 'top_p'),
      top_k: pick(config, 'topK', 'top_k'),
      stop: pick(config, 'stopSequences', 'stop_sequences'),
    };
    for (const [key, value] of Object.entries(mapped)) if (value !== undefined) request[key] = value;
  }
  const declarations = pick(native.tools?.[0], 'functionDeclarations', 'function_declarations');
  if (Array.isArray(declarations) && declarations.length > 0) {
    request.tools = declarations.map((declaration: ToolDefinition['function']) => ({ type: 'function', function: declaration }));
  }
  const info: NativeRequestInfo = { request, stream };
  if (model !== undefined) info.model = model;
  return info;
}

export const geminiNativeFormat: NativeFormatAdapter = {
  toCanonical: geminiNativeToCanonical,
  responseModel(body) {
    const version = (body as { modelVersion?: unknown } | null)?.modelVersion;
    return typeof version === 'string' ? version : undefined;
  },
};
