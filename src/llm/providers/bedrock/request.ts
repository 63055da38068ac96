// Canonical (OpenAI) chat → Bedrock Converse body, after Kong's kong/llm/drivers/bedrock.lua
// (kong-ai.md §5.6).

import { decodeToolArguments } from '../../formats/tool-arguments.ts';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../../protocols/openai.ts';
import type { Translation, TranslateContext } from '../types.ts';

type Block = Record<string, unknown>;
type ConverseMessage = { role: string; content: Block[] | unknown };

/** Kong always adds this field; Anthropic models on Bedrock read it. */
export const DEFAULT_BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

/** Model families whose Converse API refuses a system prompt (Kong checks the same list). */
const NO_SYSTEM_PROMPT = [/titan/, /cohere\.command-text/, /cohere\.command-light-text/, /mistral-7b-instruct/, /mixtral-8x7b-instruct/];

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** A system message's text: the string, or its text parts joined (OpenAI allows both). */
function systemText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part) => (part.type === 'text' ? String((part as { text?: unknown }).text ?? '') : '')).join('') : '';
}

function toolResult(message: ChatMessage): Translation<ConverseMessage> {
  const raw = typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? null);
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return fail('failed to decode function response arguments, not JSON format');
  }
  // Converse wants a JSON object; scalars and arrays are wrapped as Kong does.
  const json = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? decoded : { result: decoded };
  return {
    ok: true,
    value: { role: 'user', content: [{ toolResult: { toolUseId: message.tool_call_id, content: [{ json }], status: 'success' } }] },
  };
}

function assistantToolCalls(message: ChatMessage): Translation<ConverseMessage> {
  const content: Block[] = [];
  if (typeof message.content === 'string' && message.content !== '') content.push({ text: message.content });
  for (const call of message.tool_calls ?? []) {
    const input = decodeToolArguments(call.function?.arguments);
    if (!input) return fail("failed to decode function response arguments from assistant's message, not JSON format");
    content.push({ toolUse: { toolUseId: call.id, name: call.function?.name, input: input.value } });
  }
  return { ok: true, value: { role: 'assistant', content } };
}

function toolConfig(tools: ToolDefinition[], choice: ChatRequest['tool_choice']): Record<string, unknown> | undefined {
  const specs = tools
    .filter((tool) => tool?.function?.name)
    .map((tool) => ({ toolSpec: { name: tool.function.name, description: tool.function.description, inputSchema: { json: tool.function.parameters ?? { type: 'object' } } } }));
  if (specs.length === 0) return undefined;
  const config: Record<string, unknown> = { tools: specs };
  if (choice === 'auto') config.toolChoice = { auto: {} };
  else if (choice === 'required') config.toolChoice = { any: {} };
  else if (typeof choice === 'object' && choice?.function?.name) config.toolChoice = { tool: { name: choice.function.name } };
  return config;
}

function stripUnset(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined && value !== null) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function toBedrockChat(request: ChatRequest, context: TranslateContext): Translation<Record<string, unknown>> {
  const options = context.conf.model.options ?? {};
  const model = context.model ?? '';
  const messages: ConverseMessage[] = [];
  let system: string | undefined;
  for (const message of Array.isArray(request.messages) ? request.messages : []) {
    if (message.role === 'system') {
      system = (system ?? '') + systemText(message.content);
      continue;
    }
    let converted: Translation<ConverseMessage>;
    if (message.role === 'tool') converted = toolResult(message);
    else if (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) converted = assistantToolCalls(message);
    else {
      const role = message.role === 'assistant' ? 'assistant' : 'user';
      // Array content is taken to be native Converse blocks and passed through, as Kong does.
      const content = Array.isArray(message.content) ? message.content : [{ text: message.content ?? '' }];
      converted = { ok: true, value: { role, content } };
    }
    if (!converted.ok) return converted;
    messages.push(converted.value);
  }

  const body: Record<string, unknown> = { messages };
  if (system !== undefined) {
    if (NO_SYSTEM_PROMPT.some((pattern) => pattern.test(model))) return fail(`system prompts are unsupported for model '${model}`);
    body.system = [{ text: system }];
  }
  // Configured sampling options win over the client's (Kong's merge_config_defaults).
  const inference = stripUnset({
    maxTokens: options.max_tokens ?? request.max_tokens,
    stopSequences: typeof request.stop === 'string' ? [request.stop] : request.stop,
    temperature: options.temperature ?? request.temperature,
    topP: options.top_p ?? request.top_p,
  });
  if (inference) body.inferenceConfig = inference;
  if (request.guardrailConfig !== undefined) body.guardrailConfig = request.guardrailConfig;
  const tools = Array.isArray(request.tools) ? toolConfig(request.tools, request.tool_choice) : undefined;
  if (tools) body.toolConfig = tools;
  // Kong's legacy `bedrock` request block: toolConfig copied, additionalModelRequestFields
  // wrapped in a one-element array exactly as Kong sends it.
  const legacy = request.bedrock as { toolConfig?: unknown; additionalModelRequestFields?: unknown } | undefined;
  if (legacy?.toolConfig !== undefined) body.toolConfig = legacy.toolConfig;
  if (legacy?.additionalModelRequestFields !== undefined) body.additionalModelRequestFields = [legacy.additionalModelRequestFields];
  body.anthropic_version = options.anthropic_version ?? DEFAULT_BEDROCK_ANTHROPIC_VERSION;
  return { ok: true, value: body };
}
