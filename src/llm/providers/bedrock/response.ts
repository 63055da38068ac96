// Bedrock Converse answer → canonical chat completion (kong-ai.md §5.6).

import type { ChatResponse, ToolCall, Usage } from '../../protocols/openai.ts';
import type { Translation, TranslateContext } from '../types.ts';

/** Kong's stopReason mapping; anything unknown is reported as "stop". */
const FINISH_REASONS: Record<string, string> = {
  max_tokens: 'length',
  end_turn: 'stop',
  tool_use: 'tool_calls',
  guardrail_intervened: 'guardrail_intervened',
};

export function bedrockFinishReason(stopReason: unknown): string {
  return (typeof stopReason === 'string' && FINISH_REASONS[stopReason]) || 'stop';
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function bedrockUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const prompt = typeof usage.inputTokens === 'number' ? usage.inputTokens : 0;
  const completion = typeof usage.outputTokens === 'number' ? usage.outputTokens : 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: typeof usage.totalTokens === 'number' ? usage.totalTokens : prompt + completion };
}

function isEmpty(value: unknown): boolean {
  const record = asRecord(value);
  return value === undefined || value === null || (record !== undefined && Object.keys(record).length === 0);
}

export function fromBedrockChat(body: unknown, context: TranslateContext): Translation<ChatResponse> {
  const response = asRecord(body);
  const content = asRecord(asRecord(response?.output)?.message)?.content;
  if (!response || !Array.isArray(content)) {
    return { ok: false, message: 'no generation candidates received from Bedrock, or max_tokens too short' };
  }
  const blocks = content.map(asRecord).filter((block): block is Record<string, unknown> => block !== undefined);
  const text = blocks.find((block) => typeof block.text === 'string')?.text as string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    const use = asRecord(block.toolUse);
    if (!use) continue;
    const call = { id: String(use.toolUseId ?? ''), type: 'function', function: { name: String(use.name ?? '') } } as ToolCall;
    // Kong omits `arguments` when the tool input is empty.
    if (!isEmpty(use.input)) call.function.arguments = JSON.stringify(use.input);
    toolCalls.push(call);
  }
  const message: ChatResponse['choices'][number]['message'] = { role: 'assistant', content: text ?? null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const result: ChatResponse = {
    choices: [{ index: 0, message, finish_reason: bedrockFinishReason(response.stopReason) }],
    model: context.model,
    object: 'chat.completion',
  };
  const usage = bedrockUsage(response.usage);
  if (usage) result.usage = usage;
  if (response.trace !== undefined) result.trace = response.trace;
  return { ok: true, value: result };
}
