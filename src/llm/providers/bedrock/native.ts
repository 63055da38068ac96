// `llm_format = bedrock`: clients speak the Converse API through ai-proxy. Kong
// (kong/llm/adapters/bedrock.lua) reads the native body into an OpenAI-shaped copy for the other
// AI plugins and analytics; the native body goes upstream re-signed (kong-ai.md §7).

import type { ChatMessage, ChatRequest, ContentPart, ToolCall } from '../../protocols/openai.ts';
import type { NativeFormatAdapter, NativeRequestInfo } from '../types.ts';

type Json = Record<string, any>;

function toPart(block: Json): ContentPart | undefined {
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  if (block.image) return { type: 'image_url', image_url: { url: `data:image/${block.image.format};base64,${block.image.source?.bytes}` } };
  return undefined;
}

function toMessage(native: Json): ChatMessage {
  const message: ChatMessage = { role: typeof native.role === 'string' ? native.role : 'user' };
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  for (const block of Array.isArray(native.content) ? (native.content as Json[]) : []) {
    if (!block || typeof block !== 'object') continue;
    if (block.toolUse) {
      calls.push({ id: String(block.toolUse.toolUseId), type: 'function', function: { name: String(block.toolUse.name), arguments: JSON.stringify(block.toolUse.input ?? {}) } });
    } else if (block.toolResult) {
      // A tool result replaces the whole message, as in Kong.
      const content = block.toolResult.content;
      message.role = 'tool';
      message.tool_call_id = block.toolResult.toolUseId;
      message.content = JSON.stringify(Array.isArray(content) && content.length > 0 ? (content[0].json ?? content[0].text ?? content[0]) : content);
    } else {
      const part = toPart(block);
      if (part) parts.push(part);
    }
  }
  if (parts.length > 0) message.content = parts;
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

/** Model and streaming from named captures, else `/model/<model>/<operation>` (model URL-unescaped). */
export function bedrockModelAndStream(path: string, captures?: Readonly<Record<string, string>>): { model?: string; stream: boolean } {
  let model = captures?.model;
  let operation = captures?.operation;
  if (!model || !operation) {
    const match = /\/model\/([^/]+)\/([^/]+)$/.exec(path);
    model = match?.[1] ?? model;
    operation = match?.[2] ?? operation;
  }
  let decoded = model;
  try {
    decoded = model === undefined ? undefined : decodeURIComponent(model);
  } catch {
    // keep the raw segment
  }
  return { model: decoded, stream: operation === 'converse-stream' };
}

export function bedrockNativeToCanonical(body: unknown, path: string, captures?: Readonly<Record<string, string>>): NativeRequestInfo {
  const native = (typeof body === 'object' && body !== null ? body : {}) as Json;
  const { model, stream } = bedrockModelAndStream(path, captures);
  const messages = (Array.isArray(native.messages) ? (native.messages as Json[]) : []).filter((m) => m && typeof m === 'object').map(toMessage);
  const systemText = Array.isArray(native.system) ? native.system[0]?.text : undefined;
  if (typeof systemText === 'string') messages.unshift({ role: 'system', content: [{ type: 'text', text: systemText }] });

  const request: ChatRequest = { messages, stream };
  if (model !== undefined) request.model = model;
  const config = native.inferenceConfig as Json | undefined;
  if (config) {
    const mapped: Record<string, unknown> = { temperature: config.temperature, max_tokens: config.maxTokens, top_p: config.topP, stop: config.stopSequences };
    for (const [key, value] of Object.entries(mapped)) if (value !== undefined) request[key] = value;
  }
  const tools = native.toolConfig?.tools;
  if (Array.isArray(tools) && tools.length > 0) {
    request.tools = tools
      .filter((tool: Json) => tool?.toolSpec)
      .map((tool: Json) => ({ type: 'function', function: { name: tool.toolSpec.name, description: tool.toolSpec.description, parameters: tool.toolSpec.inputSchema?.json } }));
  }
  const info: NativeRequestInfo = { request, stream };
  if (model !== undefined) info.model = model;
  return info;
}

export const bedrockNativeFormat: NativeFormatAdapter = {
  toCanonical: bedrockNativeToCanonical,
  // Bedrock reports no model revision; the request model is used (Kong).
  responseModel: () => undefined,
};
