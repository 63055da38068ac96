// OpenAI chat/completions → Anthropic Messages API (kong/llm/drivers/anthropic.lua to_claude_prompt).
// Deliberate difference from Kong: Kong keeps only the LAST system message (earlier ones are lost);
// Portico joins ALL system/developer messages, in order, with a blank line into `system`.
// Completions are also sent through the Messages API (the legacy Complete API no longer serves
// current models): the prompt becomes a single user turn.

import type { ChatMessage, ChatRequest, CompletionRequest, ContentPart, MessageContent, ToolChoice, ToolDefinition } from '../../protocols/openai.ts';
import { decodeToolArguments } from '../../formats/tool-arguments.ts';
import type { TranslateContext, Translation } from '../types.ts';

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(url: string): Block {
  const match = DATA_URL.exec(url);
  if (match) return { type: 'image', source: { type: 'base64', media_type: match[1], data: match[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

function contentBlocks(content: MessageContent | undefined): string | Block[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as ContentPart[]).map((part): Block => {
    if (part.type === 'text') return { type: 'text', text: (part as { text: string }).text };
    if (part.type === 'image_url') return imageBlock((part as { image_url: { url: string } }).image_url.url);
    return part as Block; // already Anthropic-shaped (e.g. document blocks): pass through
  });
}

function textOf(content: MessageContent | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as ContentPart[]).filter((part) => part.type === 'text').map((part) => (part as { text: string }).text).join('');
}

function toolUseBlocks(message: ChatMessage): Translation<Block[]> {
  const blocks: Block[] = [];
  const text = contentBlocks(message.content);
  if (typeof text === 'string') {
    if (text !== '') blocks.push({ type: 'text', text });
  } else blocks.push(...text);
  for (const call of message.tool_calls ?? []) {
    const input = decodeToolArguments(call.function?.arguments);
    if (!input) return { ok: false, message: 'failed to decode function call arguments, not JSON format' };
    blocks.push({ type: 'tool_use', id: call.id, name: call.function?.name, input: input.value });
  }
  return { ok: true, value: blocks };
}

function appendToolResult(messages: AnthropicMessage[], message: ChatMessage): void {
  const block: Block = { type: 'tool_result', tool_use_id: message.tool_call_id, content: contentBlocks(message.content) };
  const last = messages.at(-1);
  // Anthropic wants every result for one assistant turn inside the next single user turn.
  if (last && last.role === 'user' && Array.isArray(last.content) && last.content.every((item) => item.type === 'tool_result')) {
    last.content.push(block);
  } else {
    messages.push({ role: 'user', content: [block] });
  }
}

export function toAnthropicTools(tools: ToolDefinition[] | undefined): Block[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.map((tool) => {
    const block: Block = { name: tool.function.name, input_schema: tool.function.parameters ?? { type: 'object', properties: {} } };
    if (tool.function.description !== undefined) block.description = tool.function.description;
    return block;
  });
}

export function toAnthropicToolChoice(choice: ToolChoice | undefined): Block | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'required') return { type: 'any' };
  if (choice === 'auto' || choice === 'none') return { type: choice };
  if (typeof choice === 'object' && choice.type === 'function') return { type: 'tool', name: choice.function.name };
  return undefined;
}

function chatMessages(request: ChatRequest): Translation<{ system: string[]; messages: AnthropicMessage[] }> {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(textOf(message.content));
        break;
      case 'tool':
        appendToolResult(messages, message);
        break;
      case 'assistant':
        if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
          const blocks = toolUseBlocks(message);
          if (!blocks.ok) return blocks;
          messages.push({ role: 'assistant', content: blocks.value });
        } else {
          messages.push({ role: 'assistant', content: contentBlocks(message.content) });
        }
        break;
      case 'user':
        messages.push({ role: 'user', content: contentBlocks(message.content) });
        break;
      default:
        break; // Kong drops roles Anthropic does not know
    }
  }
  return { ok: true, value: { system, messages } };
}

function stopSequences(stop: string | string[] | undefined): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  return Array.isArray(stop) ? stop : undefined;
}

export function toAnthropicRequest(request: ChatRequest | CompletionRequest, completions: boolean, context: TranslateContext): Translation<Record<string, unknown>> {
  const body: Record<string, unknown> = { model: context.model };
  if (completions) {
    body.messages = [{ role: 'user', content: (request as CompletionRequest).prompt }];
  } else {
    const converted = chatMessages(request as ChatRequest);
    if (!converted.ok) return converted;
    body.messages = converted.value.messages;
    if (converted.value.system.length > 0) body.system = converted.value.system.join('\n\n');
  }
  // Kong sends neither top_p nor top_k; max_tokens is not defaulted (Anthropic's 400 passes through).
  const maxTokens = request.max_tokens ?? (request as ChatRequest).max_completion_tokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  const stop = stopSequences(request.stop);
  if (stop) body.stop_sequences = stop;
  body.stream = request.stream === true;
  if (!completions) {
    const tools = toAnthropicTools((request as ChatRequest).tools);
    if (tools) body.tools = tools;
    const toolChoice = toAnthropicToolChoice((request as ChatRequest).tool_choice);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  return { ok: true, value: body };
}
