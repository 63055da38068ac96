// Anthropic Messages API answer → OpenAI chat.completion / text_completion
// (kong/llm/drivers/anthropic.lua from_claude_chat). Deliberate difference: Kong passes Anthropic's
// stop_reason through unmapped; Portico maps it to OpenAI's vocabulary so OpenAI clients (and
// agent loops waiting for "tool_calls") behave (docs/compat.md).

import type { ChatResponse, CompletionResponse, FinishReason, ToolCall, Usage } from '../../protocols/openai.ts';
import type { Translation } from '../types.ts';

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function mapStopReason(reason: unknown): FinishReason | null {
  if (typeof reason !== 'string') return null;
  return STOP_REASONS[reason] ?? reason;
}

/** Prompt tokens include cache writes and reads (Anthropic reports them apart from input_tokens). */
export function anthropicUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const usage = raw as Record<string, unknown>;
  const number = (key: string): number => (typeof usage[key] === 'number' ? (usage[key] as number) : 0);
  if (typeof usage.input_tokens !== 'number' && typeof usage.output_tokens !== 'number') return undefined;
  const cached = number('cache_read_input_tokens');
  const prompt = number('input_tokens') + number('cache_creation_input_tokens') + cached;
  const completion = number('output_tokens');
  const result: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (cached > 0) result.prompt_tokens_details = { cached_tokens: cached };
  return result;
}

interface Block {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export function fromAnthropicResponse(body: unknown, completions: boolean, label: string): Translation<ChatResponse | CompletionResponse> {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(record.content)) return { ok: false, message: `'content' not in ${label} response` };
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of record.content as Block[]) {
    if (block?.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block?.type === 'tool_use') {
      toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const finishReason = mapStopReason(record.stop_reason);
  const usage = anthropicUsage(record.usage);
  const text = texts.join('\n');
  const common: Record<string, unknown> = {};
  if (typeof record.id === 'string') common.id = record.id;
  if (typeof record.model === 'string') common.model = record.model;
  if (usage) common.usage = usage;
  if (completions) {
    return { ok: true, value: { ...common, object: 'text_completion', choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }] } };
  }
  const message: Record<string, unknown> = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    ok: true,
    value: { ...common, object: 'chat.completion', choices: [{ index: 0, message: message as ChatResponse['choices'][0]['message'], logprobs: null, finish_reason: finishReason }] },
  };
}
