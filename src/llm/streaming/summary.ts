// Tracks what a stream translator emitted (id, model, finish reason, reported usage, amount of
// generated text) so analytics can be produced at stream end without buffering the answer.

import type { CanonicalChunk, Usage } from '../protocols/openai.ts';
import { isStreamError, STREAM_DONE } from '../providers/types.ts';
import type { StreamItem, StreamSummary } from '../providers/types.ts';

export class SummaryTracker {
  readonly #summary: StreamSummary = { usage: null, completion_chars: 0, completed: false };
  #doneEmitted = false;

  /** Records an item about to be emitted. `completed` is NOT set here: only the provider's own terminator sets it. */
  observe(item: StreamItem): void {
    if (item === STREAM_DONE) this.#doneEmitted = true;
    else if (isStreamError(item)) this.#summary.error = item.error.message;
    else this.#chunk(item);
  }

  observeAll(items: readonly StreamItem[]): void {
    for (const item of items) this.observe(item);
  }

  /** Usage reported out of band (e.g. Anthropic message_delta) rather than in an emitted chunk. */
  setUsage(usage: Usage): void {
    this.#summary.usage = usage;
  }

  markCompleted(): void {
    this.#summary.completed = true;
  }

  get completed(): boolean {
    return this.#summary.completed;
  }

  get doneEmitted(): boolean {
    return this.#doneEmitted;
  }

  /** The terminator for `end()`: the client always gets a clean `[DONE]`, exactly once. */
  closingItems(): StreamItem[] {
    if (this.#doneEmitted) return [];
    this.#doneEmitted = true;
    return [STREAM_DONE];
  }

  summary(): StreamSummary {
    const usage = this.#summary.usage;
    return { ...this.#summary, usage: usage ? { ...usage } : null };
  }

  #chunk(chunk: CanonicalChunk): void {
    if (typeof chunk.id === 'string' && chunk.id !== '') this.#summary.id ??= chunk.id;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.#summary.model = chunk.model;
    if (isUsage(chunk.usage)) this.#summary.usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices as unknown[]) {
      if (typeof choice !== 'object' || choice === null) continue;
      const record = choice as Record<string, unknown>;
      if (typeof record.finish_reason === 'string') this.#summary.finish_reason = record.finish_reason;
      if (typeof record.text === 'string') this.#summary.completion_chars += record.text.length;
      const delta = record.delta as Record<string, unknown> | undefined;
      if (delta && typeof delta === 'object') {
        if (typeof delta.content === 'string') this.#summary.completion_chars += delta.content.length;
        if (Array.isArray(delta.tool_calls)) {
          for (const call of delta.tool_calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
            if (typeof call?.function?.arguments === 'string') this.#summary.completion_chars += call.function.arguments.length;
          }
        }
      }
    }
  }
}

export function isUsage(value: unknown): value is Usage {
  if (typeof value !== 'object' || value === null) return false;
  const usage = value as Record<string, unknown>;
  return typeof usage.prompt_tokens === 'number' || typeof usage.completion_tokens === 'number';
}

/** Normalises a partially reported usage object (total = prompt + completion when missing). */
export function completeUsage(prompt: number, completion: number, total?: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total ?? prompt + completion };
}
