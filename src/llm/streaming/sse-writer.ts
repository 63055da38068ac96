// Canonical SSE output (OpenAI's wire framing): `data: <json>\n\n` per chunk and
// `data: [DONE]\n\n` at the end. Kong writes the terminator without the blank line; Portico
// writes OpenAI's exact framing so strict SSE clients dispatch the final event (docs/compat.md).

import { STREAM_DONE } from '../providers/types.ts';
import type { StreamItem } from '../providers/types.ts';

export const SSE_DONE_FRAME = 'data: [DONE]\n\n';

export function sseDataFrame(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export function sseFrame(item: StreamItem): string {
  return item === STREAM_DONE ? SSE_DONE_FRAME : sseDataFrame(item);
}

/** Frames a batch of items as one string (one write per upstream chunk). */
export function sseFrames(items: readonly StreamItem[]): string {
  let out = '';
  for (const item of items) out += sseFrame(item);
  return out;
}

/** Kong's frame for an upstream stream it cannot parse (normalize-sse-chunk). */
export const SSE_UNSUPPORTED_FRAME = sseDataFrame({ error: true, message: 'empty or unsupported transformer response' });
