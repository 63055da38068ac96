// Gemini stream → canonical chunks (Kong's gemini `handle_stream_event`). Kong requests the
// JSON-array form; an `upstream_url` carrying `alt=sse` gets SSE instead, so the framing is
// detected from the first significant byte: `[`/`{` → JSON array, anything else → SSE.

import type { ChatChunk } from '../../protocols/openai.ts';
import { parseJsonFrame } from '../../streaming/ndjson.ts';
import { SseParser } from '../../streaming/sse-parser.ts';
import { SummaryTracker } from '../../streaming/summary.ts';
import { STREAM_DONE } from '../types.ts';
import type { StreamItem, StreamTranslator, TranslateContext } from '../types.ts';
import { JsonArraySplitter } from './json-array-splitter.ts';
import { firstParts, functionCalls, geminiUsage, type GeminiResponse } from './response.ts';

/** One streamed GenerateContentResponse → a chunk (Kong's shape plus OpenAI's `object`). */
export function geminiEventToChunk(event: GeminiResponse, model: string | undefined): ChatChunk | undefined {
  const candidate = Array.isArray(event.candidates) ? event.candidates[0] : undefined;
  const parts = firstParts(candidate);
  const finishReason = typeof candidate?.finishReason === 'string' ? candidate.finishReason.toLowerCase() : null;
  if (typeof parts[0]?.text === 'string') {
    return {
      model,
      object: 'chat.completion.chunk',
      choices: [{ delta: { content: parts[0].text, role: 'assistant' }, index: 0, finish_reason: finishReason }],
    };
  }
  if (parts[0]?.functionCall !== undefined) {
    const toolCalls = functionCalls(parts).map((call, index) => ({ index, type: 'function' as const, function: call.function }));
    return { model, object: 'chat.completion.chunk', choices: [{ delta: { tool_calls: toolCalls }, index: 0, finish_reason: finishReason }] };
  }
  if (finishReason !== null) {
    // A final element with only a finish reason (and usage) still tells the client why it ended.
    return { model, object: 'chat.completion.chunk', choices: [{ delta: {}, index: 0, finish_reason: finishReason }] };
  }
  return undefined;
}

export class GeminiStreamTranslator implements StreamTranslator {
  readonly #model: string | undefined;
  readonly #tracker = new SummaryTracker();
  #mode: 'array' | 'sse' | undefined;
  readonly #array = new JsonArraySplitter();
  readonly #sse = new SseParser();

  constructor(context: TranslateContext) {
    this.#model = context.model;
  }

  push(chunk: Uint8Array | string): StreamItem[] {
    if (this.#mode === undefined) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
      const first = text.trimStart()[0];
      if (first === undefined) return [];
      this.#mode = first === '[' || first === '{' ? 'array' : 'sse';
    }
    if (this.#mode === 'array') {
      const { elements, closed } = this.#array.push(chunk);
      const items = this.#frames(elements);
      if (closed) items.push(...this.#finish());
      return items;
    }
    return this.#sseFrames(this.#sse.push(chunk).map((event) => event.data));
  }

  end(): StreamItem[] {
    const items = this.#mode === 'sse' ? this.#sseFrames(this.#sse.end().map((event) => event.data)) : [];
    items.push(...this.#tracker.closingItems());
    return items;
  }

  summary() {
    return this.#tracker.summary();
  }

  #sseFrames(data: string[]): StreamItem[] {
    const items: StreamItem[] = [];
    for (const frame of data) {
      if (frame.trim() === STREAM_DONE) items.push(...this.#finish());
      else items.push(...this.#frames([frame]));
    }
    return items;
  }

  #frames(frames: string[]): StreamItem[] {
    const items: StreamItem[] = [];
    for (const frame of frames) {
      const event = parseJsonFrame(frame) as GeminiResponse | undefined;
      if (typeof event !== 'object' || event === null) continue; // Kong drops undecodable frames
      // Gemini repeats cumulative usage on elements; Kong *sets* counts from each one.
      const usage = geminiUsage(event.usageMetadata);
      if (usage) this.#tracker.setUsage(usage);
      const chunk = geminiEventToChunk(event, this.#model);
      if (chunk) {
        this.#tracker.observe(chunk);
        items.push(chunk);
      }
      if (chunk?.choices[0]?.finish_reason) this.#tracker.markCompleted();
    }
    return items;
  }

  #finish(): StreamItem[] {
    this.#tracker.markCompleted();
    const items = this.#tracker.closingItems();
    return items;
  }
}
