// The common skeleton of stream translators: split raw bytes into frames (SSE events, NDJSON
// lines, ...), turn each frame into canonical items, record them for the summary, and always
// close with exactly one [DONE]. Subclasses supply only the framing and the per-frame mapping.

import type { StreamItem, StreamSummary, StreamTranslator } from '../providers/types.ts';
import { NdjsonSplitter } from './ndjson.ts';
import { SseParser } from './sse-parser.ts';
import type { SseEvent } from './sse-parser.ts';
import { SummaryTracker } from './summary.ts';

export abstract class FrameTranslator<Frame> implements StreamTranslator {
  protected readonly tracker = new SummaryTracker();

  /** Frames completed by this chunk of upstream bytes. */
  protected abstract split(chunk: Uint8Array | string): Frame[];
  /** The trailing frame(s) at end of stream. */
  protected abstract flush(): Frame[];
  /** Canonical items for one frame (may be none). */
  protected abstract translate(frame: Frame): StreamItem[];

  push(chunk: Uint8Array | string): StreamItem[] {
    return this.#emit(this.split(chunk));
  }

  end(): StreamItem[] {
    const items = this.#emit(this.flush());
    for (const item of this.tracker.closingItems()) items.push(item);
    return items;
  }

  summary(): StreamSummary {
    return this.tracker.summary();
  }

  #emit(frames: Frame[]): StreamItem[] {
    const out: StreamItem[] = [];
    for (const frame of frames) {
      for (const item of this.translate(frame)) {
        this.tracker.observe(item);
        out.push(item);
      }
    }
    return out;
  }
}

/** Translators of `text/event-stream` upstreams. */
export abstract class SseTranslator extends FrameTranslator<SseEvent> {
  readonly #parser = new SseParser();

  protected split(chunk: Uint8Array | string): SseEvent[] {
    return this.#parser.push(chunk);
  }

  protected flush(): SseEvent[] {
    return this.#parser.end();
  }
}

/** Translators of newline-delimited JSON upstreams (frames are raw lines). */
export abstract class NdjsonTranslator extends FrameTranslator<string> {
  readonly #splitter = new NdjsonSplitter();

  protected split(chunk: Uint8Array | string): string[] {
    return this.#splitter.push(chunk);
  }

  protected flush(): string[] {
    return this.#splitter.end();
  }
}
