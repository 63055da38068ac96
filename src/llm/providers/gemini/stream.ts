// Gemini stream → canonical chunks (Kong's gemini `handle_stream_event`). Kong requests the
// JSON-array form; an `upstream_url` carrying `alt=sse` gets SSE instead, so the framing is
// detected from the first significant byte: `[`/`{` → JSON array, anything else → SSE.

import { usageChunk, wantsUsageChunk } from '../../formats/chunks.ts';
import type { ChatChunk, Usage } from '../../protocols/openai.ts';
import { FrameTranslator } from '../../streaming/base-translator.ts';
import { parseJsonFrame } from '../../streaming/ndjson.ts';
import { SseParser } from '../../streaming/sse-parser.ts';
import { STREAM_DONE } from '../types.ts';
import type { StreamItem, TranslateContext } from '../types.ts';
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

/** Marker frame for the closing `]` of the JSON array (Gemini's own end of answer). */
const ARRAY_CLOSED = Symbol('array closed');

export class GeminiStreamTranslator extends FrameTranslator<string | typeof ARRAY_CLOSED> {
  readonly #model: string | undefined;
  readonly #forwardUsage: boolean;
  #mode: 'array' | 'sse' | undefined;
  readonly #array = new JsonArraySplitter();
  readonly #sse = new SseParser();
  #usage: Usage | undefined;

  constructor(context: TranslateContext) {
    super();
    this.#model = context.model;
    this.#forwardUsage = wantsUsageChunk(context.request);
  }

  protected split(chunk: Uint8Array | string): Array<string | typeof ARRAY_CLOSED> {
    if (this.#mode === undefined) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
      const first = text.trimStart()[0];
      if (first === undefined) return [];
      this.#mode = first === '[' || first === '{' ? 'array' : 'sse';
    }
    if (this.#mode === 'sse') return this.#sse.push(chunk).map((event) => event.data);
    const { elements, closed } = this.#array.push(chunk);
    return closed ? [...elements, ARRAY_CLOSED] : elements;
  }

  protected flush(): Array<string | typeof ARRAY_CLOSED> {
    return this.#mode === 'sse' ? this.#sse.end().map((event) => event.data) : [];
  }

  protected translate(frame: string | typeof ARRAY_CLOSED): StreamItem[] {
    if (frame === ARRAY_CLOSED || frame.trim() === STREAM_DONE) {
      this.tracker.markCompleted();
      return this.tracker.closingItems();
    }
    const event = parseJsonFrame(frame) as GeminiResponse | undefined;
    if (typeof event !== 'object' || event === null) return []; // Kong drops undecodable frames
    // Gemini repeats cumulative usage on elements; Kong *sets* counts from each one.
    const usage = geminiUsage(event.usageMetadata);
    if (usage) {
      this.#usage = usage;
      this.tracker.setUsage(usage);
    }
    const chunk = geminiEventToChunk(event, this.#model);
    if (!chunk) return [];
    const items: StreamItem[] = [chunk];
    if (chunk.choices[0]?.finish_reason) {
      // The last element carries the finish reason and the final counts (both framings).
      this.tracker.markCompleted();
      if (this.#forwardUsage && this.#usage) items.push(usageChunk('llm/v1/chat', { model: this.#model }, this.#usage));
    }
    return items;
  }
}
