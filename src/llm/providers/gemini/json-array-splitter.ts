// Gemini's `:streamGenerateContent` without `alt=sse` answers with ONE JSON array written over
// time (`[{...}\n,\r\n{...}]`). Kong splits it element by element (json_array_iterator) and
// ends the stream when the array closes. This splitter does the same incrementally: a string
// or object may straddle any number of chunks, and the pending element is capped.

import { DEFAULT_MAX_FRAME_BYTES, FrameTooLargeError } from '../../streaming/line-splitter.ts';

export type JsonArrayPush = { elements: string[]; closed: boolean };

export class JsonArraySplitter {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #maxBytes: number;
  #opened = false;
  #closed = false;
  #depth = 0;
  #inString = false;
  #escape = false;
  #current = '';

  constructor(maxElementBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#maxBytes = maxElementBytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  push(chunk: Uint8Array | string): JsonArrayPush {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    const elements: string[] = [];
    let start = this.#depth > 0 ? 0 : -1;
    for (let index = 0; index < text.length && !this.#closed; index++) {
      const char = text[index];
      if (this.#depth === 0) {
        if (char === '[' && !this.#opened) this.#opened = true;
        else if (char === ']' && this.#opened) this.#closed = true;
        else if (char === '{') {
          // A bare object (no enclosing array) is accepted as a one-element stream.
          start = index;
          this.#depth = 1;
        }
        continue;
      }
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (char === '\\') this.#escape = true;
        else if (char === '"') this.#inString = false;
        continue;
      }
      if (char === '"') this.#inString = true;
      else if (char === '{' || char === '[') this.#depth++;
      else if (char === '}' || char === ']') {
        this.#depth--;
        if (this.#depth === 0) {
          elements.push(this.#current + text.slice(start, index + 1));
          this.#current = '';
          start = -1;
          if (!this.#opened) this.#closed = true;
        }
      }
    }
    if (this.#depth > 0 && start !== -1) {
      this.#current += text.slice(start);
      if (this.#current.length * 3 > this.#maxBytes && Buffer.byteLength(this.#current) > this.#maxBytes) {
        this.#current = '';
        this.#depth = 0;
        throw new FrameTooLargeError(this.#maxBytes);
      }
    }
    return { elements, closed: this.#closed };
  }
}
