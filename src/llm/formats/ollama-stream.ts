// Ollama NDJSON stream → OpenAI chunks (Kong's from_ollama streaming branch): each frame's
// message.content (chat) or response (generate) becomes a delta; the `done: true` frame carries
// the counts and ends the stream. Portico also emits a finish chunk before [DONE] (as OpenAI
// does; Kong does not) and turns an `{"error": ...}` line into an OpenAI error frame.

import type { CanonicalRouteType } from '../protocols/route-types.ts';
import { STREAM_DONE } from '../providers/types.ts';
import type { StreamItem, TranslateContext } from '../providers/types.ts';
import { parseJsonFrame } from '../streaming/ndjson.ts';
import { NdjsonTranslator } from '../streaming/base-translator.ts';
import { chatChunk, finishChunk, textChunk, usageChunk, wantsUsageChunk } from './chunks.ts';
import type { ChunkIdentity } from './chunks.ts';
import { ollamaFinishReason, ollamaToolCalls, ollamaUsage } from './ollama.ts';

type Json = Record<string, any>;

export class OllamaStreamTranslator extends NdjsonTranslator {
  readonly #routeType: CanonicalRouteType;
  readonly #context: TranslateContext;
  readonly #identity: ChunkIdentity = {};
  #sawToolCalls = false;

  constructor(routeType: CanonicalRouteType, context: TranslateContext) {
    super();
    this.#routeType = routeType;
    this.#context = context;
    if (context.model !== undefined) this.#identity.model = context.model;
  }

  protected translate(line: string): StreamItem[] {
    const frame = parseJsonFrame(line);
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return [];
    return this.#frame(frame as Json);
  }

  #frame(frame: Json): StreamItem[] {
    if (typeof frame.error === 'string') return [{ error: { message: frame.error } }];
    if (typeof frame.model === 'string') this.#identity.model = frame.model;
    const items: StreamItem[] = [];
    const text = this.#routeType === 'llm/v1/completions' ? frame.response : frame.message?.content;
    const toolCalls = this.#routeType === 'llm/v1/chat' ? ollamaToolCalls(frame.message?.tool_calls) : undefined;
    if (toolCalls) {
      this.#sawToolCalls = true;
      items.push(chatChunk(this.#identity, { role: 'assistant', tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }));
    }
    if (typeof text === 'string' && (text !== '' || !frame.done)) items.push(textChunk(this.#routeType, this.#identity, text));
    if (frame.done === true) {
      this.tracker.markCompleted();
      const usage = ollamaUsage(frame);
      if (usage) this.tracker.setUsage(usage);
      items.push(finishChunk(this.#routeType, this.#identity, ollamaFinishReason(frame, this.#context.request, this.#sawToolCalls)));
      if (usage && wantsUsageChunk(this.#context.request)) items.push(usageChunk(this.#routeType, this.#identity, usage));
      if (!this.tracker.doneEmitted) items.push(STREAM_DONE);
    }
    return items;
  }
}
