// Hugging Face streams (SSE) → canonical chunks (Kong's `handle_huggingface_stream`): chat
// events are OpenAI-style chunks re-emitted as assistant deltas; text-generation events carry
// `token.text`. HF ends with a `[DONE]` frame that Kong fails to decode and drops, so Kong sends
// no terminator; Portico always closes with one [DONE] (docs/compat.md).

import { chatChunk, completionChunk } from '../../formats/chunks.ts';
import type { ChatChunk, CompletionChunk } from '../../protocols/openai.ts';
import type { CanonicalRouteType } from '../../protocols/route-types.ts';
import { SseTranslator } from '../../streaming/base-translator.ts';
import type { SseEvent } from '../../streaming/sse-parser.ts';
import { parseJsonFrame } from '../../streaming/ndjson.ts';
import { STREAM_DONE } from '../types.ts';
import type { StreamItem, TranslateContext } from '../types.ts';

type Json = Record<string, any>;

export class HuggingFaceStreamTranslator extends SseTranslator {
  readonly #routeType: CanonicalRouteType;
  readonly #model: string | undefined;

  constructor(routeType: CanonicalRouteType, context: TranslateContext) {
    super();
    this.#routeType = routeType;
    this.#model = context.model;
  }

  protected translate(event: SseEvent): StreamItem[] {
    if (event.data.trim() === STREAM_DONE) {
      this.tracker.markCompleted();
      return this.tracker.closingItems();
    }
    const frame = parseJsonFrame(event.data) as Json | undefined;
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return []; // dropped, as in Kong
    if (frame.error !== undefined) return [{ error: { message: String(frame.error), type: frame.error_type } }];
    if (this.#routeType === 'llm/v1/completions') return [this.#completion(frame)];
    const choice = Array.isArray(frame.choices) ? frame.choices[0] : undefined;
    const chunk: ChatChunk = chatChunk(
      { id: typeof frame.id === 'string' ? frame.id : undefined, model: typeof frame.model === 'string' ? frame.model : this.#model },
      { content: typeof choice?.delta?.content === 'string' ? choice.delta.content : '', role: 'assistant' },
      typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    );
    if (frame.usage && typeof frame.usage === 'object') this.tracker.setUsage(frame.usage);
    return [chunk];
  }

  /** TGI text-generation event: `{token:{text, special}, generated_text, details}`. */
  #completion(frame: Json): CompletionChunk {
    // Special tokens (e.g. "</s>") are control markers, not text for the client.
    const text = frame.token?.special === true ? '' : String(frame.token?.text ?? '');
    const finish = typeof frame.details?.finish_reason === 'string' ? frame.details.finish_reason : null;
    if (finish !== null) this.tracker.markCompleted();
    return completionChunk({ model: this.#model }, text, finish);
  }
}
