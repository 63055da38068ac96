// Anthropic Messages SSE → OpenAI chunks (kong/llm/drivers/anthropic.lua handle_stream_event).
// message_start ⇒ role chunk; text deltas ⇒ content chunks; tool_use blocks ⇒ tool_call chunks
// (id/name first, then partial JSON arguments); message_delta ⇒ finish chunk (Kong emits nothing
// and never sets finish_reason; Portico mirrors OpenAI); message_stop ⇒ [DONE]; ping ⇒ nothing;
// error ⇒ OpenAI-style error frame. message_delta's output_tokens is cumulative, so it replaces
// message_start's (Kong adds them, counting the first token twice).

import { finishChunk, textChunk, usageChunk, wantsUsageChunk, chatChunk } from '../../formats/chunks.ts';
import type { ChunkIdentity } from '../../formats/chunks.ts';
import type { Usage } from '../../protocols/openai.ts';
import type { CanonicalRouteType } from '../../protocols/route-types.ts';
import type { SseEvent } from '../../streaming/sse-parser.ts';
import { SseTranslator } from '../../streaming/base-translator.ts';
import { STREAM_DONE } from '../types.ts';
import type { StreamItem, TranslateContext } from '../types.ts';
import { anthropicUsage, mapStopReason } from './response.ts';

type Json = Record<string, any>;

export class AnthropicStreamTranslator extends SseTranslator {
  readonly #routeType: CanonicalRouteType;
  readonly #usageChunk: boolean;
  readonly #identity: ChunkIdentity = {};
  /** Anthropic content-block index → OpenAI tool_calls index. */
  readonly #toolIndex = new Map<number, number>();
  #rawUsage: Json = {};

  constructor(routeType: CanonicalRouteType, context: TranslateContext) {
    super();
    this.#routeType = routeType;
    this.#usageChunk = wantsUsageChunk(context.request);
    if (context.model !== undefined) this.#identity.model = context.model;
  }

  protected translate(event: SseEvent): StreamItem[] {
    let data: Json;
    try {
      data = JSON.parse(event.data);
    } catch {
      return [];
    }
    if (typeof data !== 'object' || data === null) return [];
    return this.#event(event.event ?? data.type, data);
  }

  #event(type: string, data: Json): StreamItem[] {
    switch (type) {
      case 'message_start': {
        const message = data.message ?? {};
        if (typeof message.id === 'string') this.#identity.id = message.id;
        if (typeof message.model === 'string') this.#identity.model = message.model;
        this.#addUsage(message.usage);
        if (this.#routeType === 'llm/v1/completions') return [];
        return [chatChunk(this.#identity, { role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return this.#blockStart(data.index, data.content_block ?? {});
      case 'content_block_delta':
        return this.#blockDelta(data.index, data.delta ?? {});
      case 'message_delta': {
        this.#addUsage(data.usage);
        const reason = mapStopReason(data.delta?.stop_reason);
        return reason === null ? [] : [finishChunk(this.#routeType, this.#identity, reason)];
      }
      case 'message_stop': {
        this.tracker.markCompleted();
        const items: StreamItem[] = [];
        const usage = this.#usage();
        if (usage && this.#usageChunk) items.push(usageChunk(this.#routeType, this.#identity, usage));
        if (!this.tracker.doneEmitted) items.push(STREAM_DONE);
        return items;
      }
      case 'error':
        return [{ error: { message: String(data.error?.message ?? 'upstream error'), type: data.error?.type } }];
      default:
        return []; // ping, content_block_stop, unknown future events
    }
  }

  #blockStart(index: number, block: Json): StreamItem[] {
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return [textChunk(this.#routeType, this.#identity, block.text)];
    }
    if (block.type !== 'tool_use' || this.#routeType !== 'llm/v1/chat') return [];
    const toolIndex = this.#toolIndex.size;
    this.#toolIndex.set(index, toolIndex);
    return [chatChunk(this.#identity, { tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
  }

  #blockDelta(index: number, delta: Json): StreamItem[] {
    if (delta.type === 'text_delta' && typeof delta.text === 'string') {
      return [textChunk(this.#routeType, this.#identity, delta.text)];
    }
    const toolIndex = this.#toolIndex.get(index);
    if (delta.type === 'input_json_delta' && toolIndex !== undefined && typeof delta.partial_json === 'string') {
      return [chatChunk(this.#identity, { tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] })];
    }
    return []; // thinking / signature deltas have no OpenAI chat equivalent
  }

  #addUsage(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    for (const [key, value] of Object.entries(raw)) if (typeof value === 'number') this.#rawUsage[key] = value;
    const usage = this.#usage();
    if (usage) this.tracker.setUsage(usage);
  }

  #usage(): Usage | undefined {
    return anthropicUsage(this.#rawUsage);
  }
}
