// Cohere v1 NDJSON stream → OpenAI chunks (kong/llm/drivers/cohere.lua handle_stream_event):
// stream-start ⇒ role chunk (id = generation_id); text-generation ⇒ content delta (chat) or
// text (completions); stream-end ⇒ usage (billed units, else token_count) and [DONE]. Portico
// also emits a finish chunk with the mapped finish_reason first, as OpenAI streams do.

import { chatChunk, finishChunk, textChunk, usageChunk, wantsUsageChunk } from '../../formats/chunks.ts';
import type { ChunkIdentity } from '../../formats/chunks.ts';
import type { FinishReason } from '../../protocols/openai.ts';
import type { CanonicalRouteType } from '../../protocols/route-types.ts';
import { NdjsonTranslator } from '../../streaming/base-translator.ts';
import { parseJsonFrame } from '../../streaming/ndjson.ts';
import { STREAM_DONE } from '../types.ts';
import type { StreamItem, TranslateContext } from '../types.ts';
import { billedUsage, tokenCountUsage } from './response.ts';

type Json = Record<string, any>;

const FINISH_REASONS: Record<string, FinishReason> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  ERROR_TOXIC: 'content_filter',
  ERROR_LIMIT: 'length',
};

export class CohereStreamTranslator extends NdjsonTranslator {
  readonly #routeType: CanonicalRouteType;
  readonly #usageChunk: boolean;
  readonly #identity: ChunkIdentity = {};

  constructor(routeType: CanonicalRouteType, context: TranslateContext) {
    super();
    this.#routeType = routeType;
    this.#usageChunk = wantsUsageChunk(context.request);
    if (context.model !== undefined) this.#identity.model = context.model;
  }

  protected translate(line: string): StreamItem[] {
    const event = parseJsonFrame(line) as Json | undefined;
    if (typeof event !== 'object' || event === null) return [];
    switch (event.event_type) {
      case 'stream-start':
        if (typeof event.generation_id === 'string') this.#identity.id = event.generation_id;
        return this.#routeType === 'llm/v1/chat' ? [chatChunk(this.#identity, { content: '', role: 'assistant' })] : [];
      case 'text-generation':
        return [textChunk(this.#routeType, this.#identity, typeof event.text === 'string' ? event.text : '')];
      case 'stream-end':
        return this.#end(event);
      default:
        return []; // search results, citations, tool-call generation: no OpenAI equivalent here
    }
  }

  #end(event: Json): StreamItem[] {
    this.tracker.markCompleted();
    const items: StreamItem[] = [];
    const reason = typeof event.finish_reason === 'string' ? (FINISH_REASONS[event.finish_reason] ?? event.finish_reason.toLowerCase()) : 'stop';
    items.push(finishChunk(this.#routeType, this.#identity, reason));
    const response = event.response ?? {};
    const usage = billedUsage(response.meta?.billed_units) ?? tokenCountUsage(response.token_count);
    if (usage) {
      this.tracker.setUsage(usage);
      if (this.#usageChunk) items.push(usageChunk(this.#routeType, this.#identity, usage));
    }
    if (!this.tracker.doneEmitted) items.push(STREAM_DONE);
    return items;
  }
}
