// Incremental Server-Sent Events parser (WHATWG event-stream rules): `field: value` lines, one
// optional space after the colon stripped, `:` comment lines ignored, multi-line `data` joined
// with '\n', a blank line dispatches the event. Kong's parse-sse-chunk follows the same framing
// (event/id/data fields, trailing partial line carried into the next chunk).

import { DEFAULT_MAX_FRAME_BYTES, FrameTooLargeError, LineSplitter } from './line-splitter.ts';

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
  retry?: number;
}

export class SseParser {
  readonly #lines: LineSplitter;
  readonly #maxBytes: number;
  #data: string[] = [];
  #dataLength = 0;
  #event: string | undefined;
  #id: string | undefined;
  #retry: number | undefined;

  constructor(maxEventBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#maxBytes = maxEventBytes;
    this.#lines = new LineSplitter(maxEventBytes);
  }

  push(chunk: Uint8Array | string): SseEvent[] {
    const events: SseEvent[] = [];
    for (const line of this.#lines.push(chunk)) this.#line(line, events);
    return events;
  }

  /** End of stream: a final event without its blank line is still delivered (the upstream closed). */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    const rest = this.#lines.end();
    if (rest !== undefined) this.#line(rest, events);
    this.#dispatch(events);
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.#dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment (keep-alives)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#dataLength += value.length + 1;
        if (this.#dataLength > this.#maxBytes) {
          this.#reset();
          throw new FrameTooLargeError(this.#maxBytes);
        }
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored per the SSE spec
    }
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#data.length > 0) {
      const event: SseEvent = { data: this.#data.join('\n') };
      if (this.#event !== undefined) event.event = this.#event;
      if (this.#id !== undefined) event.id = this.#id;
      if (this.#retry !== undefined) event.retry = this.#retry;
      events.push(event);
    }
    this.#reset();
  }

  #reset(): void {
    this.#data = [];
    this.#dataLength = 0;
    this.#event = undefined;
    this.#retry = undefined;
    // `id` persists across events per the SSE spec (last event id), but Portico does not need it
    // beyond the event it arrived with.
    this.#id = undefined;
  }
}
