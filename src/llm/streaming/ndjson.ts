// Newline-delimited JSON splitter (Cohere, Ollama streams: application/x-ndjson,
// application/stream+json). Blank lines are skipped; lines are returned raw so the caller
// decides how to treat JSON that fails to parse (Kong drops such frames).

import { DEFAULT_MAX_FRAME_BYTES, LineSplitter } from './line-splitter.ts';

export class NdjsonSplitter {
  readonly #lines: LineSplitter;

  constructor(maxLineBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.#lines = new LineSplitter(maxLineBytes);
  }

  push(chunk: Uint8Array | string): string[] {
    return this.#lines.push(chunk).filter(isContent);
  }

  end(): string[] {
    const rest = this.#lines.end();
    return rest !== undefined && isContent(rest) ? [rest] : [];
  }
}

function isContent(line: string): boolean {
  return line.trim() !== '';
}

/** Parses a frame, returning undefined for non-JSON (e.g. an NDJSON `[DONE]` line). */
export function parseJsonFrame(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
