// ConverseStream (AWS event-stream frames) → canonical chunks, after Kong's bedrock
// `handle_stream_event` (kong-ai.md §5.6): messageStart → role chunk; contentBlockStart with a
// toolUse → tool-call header chunk; contentBlockDelta → text or partial tool arguments;
// messageStop → finish_reason; metadata → usage, then [DONE].

import { usageChunk, wantsUsageChunk } from '../../formats/chunks.ts';
import type { ChatChunk, ChatChunkChoice } from '../../protocols/openai.ts';
import { FrameTranslator } from '../../streaming/base-translator.ts';
import { parseJsonFrame } from '../../streaming/ndjson.ts';
import type { StreamErrorItem, StreamItem, TranslateContext } from '../types.ts';
import { EventStreamDecoder, type EventStreamMessage } from './event-stream.ts';
import { asRecord, bedrockFinishReason, bedrockUsage } from './response.ts';

export class BedrockStreamTranslator extends FrameTranslator<EventStreamMessage> {
  readonly #decoder = new EventStreamDecoder();
  readonly #model: string | undefined;
  readonly #forwardUsage: boolean;
  /** Converse content-block index → OpenAI tool-call index (tool calls are numbered from 0). */
  readonly #toolIndexes = new Map<number, number>();

  constructor(context: TranslateContext) {
    super();
    this.#model = context.model;
    this.#forwardUsage = wantsUsageChunk(context.request);
  }

  protected split(chunk: Uint8Array | string): EventStreamMessage[] {
    return this.#decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  }

  protected flush(): EventStreamMessage[] {
    return []; // a partial binary frame at the end cannot be completed
  }

  #chunk(choice: Omit<ChatChunkChoice, 'index'>): ChatChunk {
    return { object: 'chat.completion.chunk', model: this.#model, choices: [{ index: 0, ...choice }] };
  }

  protected translate(message: EventStreamMessage): StreamItem[] {
    const messageType = message.headers[':message-type'];
    const body = asRecord(parseJsonFrame(message.payload.toString('utf8'))) ?? {};
    if (messageType === 'exception' || messageType === 'error') {
      // A mid-stream failure (throttling, model error): tell the client, then end cleanly.
      const type = String(message.headers[':exception-type'] ?? message.headers[':error-code'] ?? 'error');
      const text = String(body.message ?? body.Message ?? message.headers[':error-message'] ?? type);
      const item: StreamErrorItem = { error: { message: text, type } };
      return [item];
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
        this.tracker.markCompleted();
        if (!usage) return this.tracker.closingItems();
        this.tracker.setUsage(usage);
        const items: StreamItem[] = this.#forwardUsage ? [usageChunk('llm/v1/chat', { model: this.#model }, usage)] : [];
        return [...items, ...this.tracker.closingItems()];
      }
      default:
        return []; // contentBlockStop and unknown events carry nothing for the client
    }
  }
}
