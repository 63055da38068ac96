// Gemini generateContent / embedContent answers → canonical, after Kong's
// `from_gemini_chat_openai` (kong-ai.md §5.5).

import type { ChatChoice, ChatResponse, EmbeddingsResponse, ToolCall, Usage } from '../../protocols/openai.ts';
import type { Translation, TranslateContext } from '../types.ts';

type Candidate = { content?: { parts?: Array<Record<string, unknown>> }; finishReason?: string };
export type GeminiResponse = { candidates?: Candidate[]; usageMetadata?: Record<string, unknown>; modelVersion?: string };

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function geminiUsage(metadata: unknown): Usage | undefined {
  const usage = asRecord(metadata);
  if (!usage) return undefined;
  const prompt = typeof usage.promptTokenCount === 'number' ? usage.promptTokenCount : 0;
  const completion = typeof usage.candidatesTokenCount === 'number' ? usage.candidatesTokenCount : 0;
  const total = typeof usage.totalTokenCount === 'number' ? usage.totalTokenCount : prompt + completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
}

/** A first candidate stopped by Gemini's safety filter (the transformer plugins refuse these, as Kong does). */
export function isGeminiSafetyFailure(body: unknown): boolean {
  const candidates = asRecord(body)?.candidates;
  return Array.isArray(candidates) && asRecord(candidates[0])?.finishReason === 'SAFETY';
}

export const GEMINI_SAFETY_MESSAGE = 'transformation generation candidate breached Gemini content safety';

export function firstParts(candidate: Candidate | undefined): Array<Record<string, unknown>> {
  const parts = candidate?.content?.parts;
  return Array.isArray(parts) ? parts.filter((part) => asRecord(part) !== undefined) : [];
}

/** functionCall parts → OpenAI tool calls; Kong sets only `function` (no id or type). */
export function functionCalls(parts: Array<Record<string, unknown>>): ToolCall[] {
  return parts
    .map((part) => asRecord(part.functionCall))
    .filter((call): call is Record<string, unknown> => call !== undefined)
    .map((call) => ({ function: { name: String(call.name ?? ''), arguments: JSON.stringify(call.args ?? {}) } }) as ToolCall);
}

export function fromGeminiChat(body: unknown, context: TranslateContext): Translation<ChatResponse> {
  const response = asRecord(body) as GeminiResponse | undefined;
  if (!response) return { ok: false, message: 'failed to decode response from Gemini' };
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  if (candidates.length === 0) {
    return { ok: false, message: 'no generation candidates received from Gemini, or max_tokens too short' };
  }
  const candidate = candidates[0];
  const parts = firstParts(candidate);
  const finishReason = typeof candidate?.finishReason === 'string' ? candidate.finishReason.toLowerCase() : null;
  const choices: ChatChoice[] = [];
  if (typeof parts[0]?.text === 'string') {
    choices.push({ index: 0, message: { role: 'assistant', content: parts[0].text }, finish_reason: finishReason });
  } else if (parts[0]?.functionCall !== undefined) {
    choices.push({ index: 0, message: { role: 'assistant', tool_calls: functionCalls(parts) }, finish_reason: finishReason });
  }
  // A candidate without content (e.g. a SAFETY stop) yields no choices, as in Kong.
  const result: ChatResponse = { choices, model: context.model, object: 'chat.completion' };
  const usage = geminiUsage(response.usageMetadata);
  if (usage) result.usage = usage;
  return { ok: true, value: result };
}

function values(embedding: unknown): number[] | undefined {
  const list = asRecord(embedding)?.values;
  return Array.isArray(list) ? (list as number[]) : undefined;
}

/** embedContent, batchEmbedContents or Vertex predict embeddings → OpenAI list. */
export function fromGeminiEmbeddings(body: unknown, context: TranslateContext): Translation<EmbeddingsResponse> {
  const response = asRecord(body);
  const single = values(response?.embedding);
  let list: Array<number[] | undefined> | undefined;
  if (single) list = [single];
  else if (Array.isArray(response?.embeddings)) list = response.embeddings.map(values);
  // Vertex `:predict`: {predictions:[{embeddings:{values}}]}
  else if (Array.isArray(response?.predictions)) list = response.predictions.map((p) => values(asRecord(p)?.embeddings));
  if (!list || list.length === 0 || list.some((item) => item === undefined)) {
    return { ok: false, message: "'embedding' not in gemini://llm/v1/embeddings response" };
  }
  return {
    ok: true,
    value: {
      object: 'list',
      data: list.map((embedding, index) => ({ object: 'embedding', index, embedding: embedding as number[] })),
      model: context.model,
    },
  };
}
