// Optional text capture for streamed answers, used only when the log needs the payload
// (`log_payloads`) or another plugin needs the whole answer. Bounded: text past the cap is
// dropped and flagged, so a long stream cannot grow memory without limit.

import type { ChatResponse, Usage } from '../protocols/openai.ts';
import { isStreamError, STREAM_DONE } from '../providers/types.ts';
import type { StreamItem, StreamSummary } from '../providers/types.ts';

export const DEFAULT_MAX_COLLECTED_CHARS = 1024 * 1024;

export class StreamTextCollector {
  readonly #maxChars: number;
  #parts: string[] = [];
  #length = 0;
  #truncated = false;

  constructor(maxChars = DEFAULT_MAX_COLLECTED_CHARS) {
    this.#maxChars = maxChars;
  }

  add(items: readonly StreamItem[]): void {
    for (const item of items) {
      if (item === STREAM_DONE || isStreamError(item)) continue;
      for (const choice of item.choices as { delta?: { content?: unknown }; text?: unknown }[]) {
        const text = typeof choice.text === 'string' ? choice.text : choice.delta?.content;
        if (typeof text === 'string' && text !== '') this.#append(text);
      }
    }
  }

  get text(): string {
    return this.#parts.join('');
  }

  get truncated(): boolean {
    return this.#truncated;
  }

  #append(text: string): void {
    const room = this.#maxChars - this.#length;
    if (room <= 0) {
      this.#truncated = true;
      return;
    }
    const kept = text.length > room ? text.slice(0, room) : text;
    if (kept.length < text.length) this.#truncated = true;
    this.#parts.push(kept);
    this.#length += kept.length;
  }
}

/**
 * The composite non-streaming body Kong stores after a stream (parse-sse-chunk) for analytics and
 * later plugins: one assistant message with the whole text, the finish reason and the usage.
 */
export function syntheticStreamResponse(summary: StreamSummary, text: string, usage: Usage): ChatResponse {
  const body: ChatResponse = {
    object: 'chat.completion',
    choices: [{ index: 0, logprobs: null, finish_reason: summary.finish_reason ?? null, message: { role: 'assistant', content: text } }],
    usage,
  };
  if (summary.id !== undefined) body.id = summary.id;
  if (summary.model !== undefined) body.model = summary.model;
  return body;
}
