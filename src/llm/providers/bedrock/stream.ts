// ConverseStream (AWS event-stream frames) → canonical chunks, after Kong's bedrock
// `handle_stream_event` (kong-ai.md §5.6): messageStart → role chunk; contentBlockStart with a
// toolUse → tool-call header chunk; contentBlockDelta → text or partial tool arguments;
// messageStop → finish_reason; metadata → usage, then [DONE].

import type { ChatChunk, ChatChunkChoice } from '../../protocols/openai.ts';
import { parseJsonFrame } from '../../streaming/ndjson.ts';
import { SummaryTracker } from '../../streaming/summary.ts';
import type { StreamErrorItem, StreamItem, StreamTranslator, TranslateContext } from '../types.ts';
import { EventStreamDecoder, type EventStreamMessage } from './event-stream.ts';
import { asRecord, bedrockFinishReason, bedrockUsage } from './response.ts';

export class BedrockStreamTranslator implements StreamTranslator {
  readonly #decoder = new EventStreamDecoder();
  readonly #tracker = new SummaryTracker();
  readonly #model: string | undefined;
  /** Converse content-block index → OpenAI tool-call index (tool calls are numbered from 0). */
  readonly #toolIndexes = new Map<number, number>();

  constructor(context: TranslateContext) {
    this.#model = context.model;
  }

  push(chunk: Uint8Array | string): StreamItem[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    const items: StreamItem[] = [];
    for (const message of this.#decoder.push(bytes)) items.push(...this.#message(message));
    return items;
  }

  end(): StreamItem[] {
    return this.#tracker.closingItems();
  }

  summary() {
    return this.#tracker.summary();
  }

  #chunk(choice: Omit<ChatChunkChoice, 'index'>, extra: Partial<ChatChunk> = {}): ChatChunk {
    const chunk: ChatChunk = { object: 'chat.completion.chunk', model: this.#model, choices: [{ index: 0, ...choice }], ...extra };
    this.#tracker.observe(chunk);
    return chunk;
  }

  #message(message: EventStreamMessage): StreamItem[] {
    const messageType = message.headers[':message-type'];
    const body = asRecord(parseJsonFrame(message.payload.toString('utf8'))) ?? {};
    if (messageType === 'exception' || messageType === 'error') {
      // A mid-stream failure (throttling, model error): tell the client, then end cleanly.
      const type = String(message.headers[':exception-type'] ?? message.headers[':error-code'] ?? 'error');
      const text = String(body.message ?? body.Message ?? message.headers[':error-message'] ?? type);
      const item: StreamErrorItem = { error: { message: text, type } };
      this.#tracker.observe(item);
      return [item, ...this.#tracker.closingItems()];
    }
    switch (message.headers[':event-type']) {
      case 'messageStart':
        return [this.#chunk({ delta: { content: '', role: 'assistant' }, finish_reason: null })];
      case 'contentBlockStart': {
        const toolUse = asRecord(asRecord(body.start)?.toolUse);
        if (!toolUse) return [];
        const index = this.#toolIndexes.size;
        this.#toolIndexes.set(Number(body.contentBlockIndex ?? index), index);
        const call = { index, id: String(toolUse.toolUseId ?? ''), type: 'function' as const, function: { name: String(toolUse.name ?? ''), arguments: '' } };
        return [this.#chunk({ delta: { tool_calls: [call] }, finish_reason: null })];
      }
      case 'contentBlockDelta': {
        const delta = asRecord(body.delta) ?? {};
        if (typeof delta.text === 'string') return [this.#chunk({ delta: { content: delta.text }, finish_reason: null })];
        const toolInput = asRecord(delta.toolUse)?.input;
        if (typeof toolInput === 'string') {
          const index = this.#toolIndexes.get(Number(body.contentBlockIndex)) ?? 0;
          return [this.#chunk({ delta: { tool_calls: [{ index, function: { arguments: toolInput } }] }, finish_reason: null })];
        }
        return [];
      }
      case 'messageStop':
        return [this.#chunk({ delta: {}, finish_reason: bedrockFinishReason(body.stopReason) })];
      case 'metadata': {
        const usage = bedrockUsage(body.usage);
        if (usage) this.#tracker.setUsage(usage);
        this.#tracker.markCompleted();
        return this.#tracker.closingItems();
      }
      default:
        return []; // contentBlockStop and unknown events carry nothing for the client
    }
  }
}
