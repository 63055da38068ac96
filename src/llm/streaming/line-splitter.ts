// Incremental line splitting shared by the SSE parser and the NDJSON splitter. Accepts bytes in
// any split (a multi-byte UTF-8 character or a CRLF pair may straddle two chunks) and caps the
// pending partial line so a hostile upstream cannot grow memory without bound.

/** Default cap for one line / one event: large enough for base64 images in a single frame. */
export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

export class FrameTooLargeError extends Error {
  constructor(limit: number) {
    super(`stream frame exceeds ${limit} bytes`);
    this.name = 'FrameTooLargeError';
  }
}

export class LineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #maxBytes: number;
  #pending = '';
  /** A chunk ended in '\r': a '\n' starting the next chunk belongs to the same line break. */
  #skipLeadingLf = false;

  constructor(maxBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Complete lines (without terminators) made available by this chunk. */
  push(chunk: Uint8Array | string): string[] {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (this.#skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      this.#skipLeadingLf = false;
    }
    const lines: string[] = [];
    let start = 0;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      lines.push(this.#pending + text.slice(start, index));
      this.#pending = '';
      if (code === 13) {
        if (index + 1 < text.length) {
          if (text.charCodeAt(index + 1) === 10) index++;
        } else {
          this.#skipLeadingLf = true;
        }
      }
      start = index + 1;
    }
    this.#pending += text.slice(start);
    // UTF-16 length is a cheap upper-bound proxy for bytes/3; compare in bytes only when close.
    if (this.#pending.length * 3 > this.#maxBytes && Buffer.byteLength(this.#pending) > this.#maxBytes) {
      this.#pending = '';
      throw new FrameTooLargeError(this.#maxBytes);
    }
    return lines;
  }

  /** The unterminated last line, if any (the stream ended without a newline). */
  end(): string | undefined {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = '';
    return rest === '' ? undefined : rest;
  }
}
