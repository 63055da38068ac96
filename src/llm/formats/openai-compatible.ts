// The OpenAI wire format used as-is by openai, azure, mistral (openai format) and other
// OpenAI-compatible upstreams (kong/llm/drivers/openai.lua): the request passes through with the
// effective model, an explicit `stream` and no `top_k`; 200 responses pass through verbatim when
// they carry `choices` (or `data` for embeddings); stream `data:` payloads are re-emitted.

import { applyBodyAuth } from '../upstream.ts';
import type { CanonicalRequest, CanonicalResponse, ChatChunk } from '../protocols/openai.ts';
import type { RouteType } from '../protocols/route-types.ts';
import { STREAM_DONE } from '../providers/types.ts';
import type { StreamItem, TranslateContext, Translation } from '../providers/types.ts';
import type { SseEvent } from '../streaming/sse-parser.ts';
import { SseTranslator } from '../streaming/base-translator.ts';
import { wantsUsageChunk } from './chunks.ts';

export interface OpenAiRequestOptions {
  /**
   * Ask the upstream to append a usage chunk to streams (`stream_options.include_usage`), so
   * analytics use real counts instead of Kong's estimates. Off for upstreams that reject the field.
   */
  requestStreamUsage: boolean;
}

export function toOpenAiNative(
  routeType: RouteType,
  request: CanonicalRequest,
  context: TranslateContext,
  options: OpenAiRequestOptions,
): Translation<Record<string, unknown>> {
  const body: Record<string, unknown> = { ...request };
  if (context.model !== undefined) body.model = context.model;
  delete body.top_k;
  if (routeType !== 'llm/v1/embeddings') {
    body.stream = request.stream === true;
    if (body.stream && options.requestStreamUsage) {
      const current = (request.stream_options ?? {}) as Record<string, unknown>;
      body.stream_options = { ...current, include_usage: true };
    }
  }
  applyBodyAuth(context.conf, body);
  return { ok: true, value: body };
}

export function fromOpenAiNative(routeType: RouteType, body: unknown): Translation<CanonicalResponse> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'response is not a JSON object' };
  }
  const record = body as Record<string, unknown>;
  const key = routeType === 'llm/v1/embeddings' ? 'data' : 'choices';
  if (record[key] === undefined) return { ok: false, message: `'${key}' not in ${routeType} response` };
  return { ok: true, value: record as unknown as CanonicalResponse };
}

export class OpenAiStreamTranslator extends SseTranslator {
  readonly #forwardUsage: boolean;

  /**
   * `injectedUsage`: Portico added `stream_options.include_usage` itself (toOpenAiNative with
   * requestStreamUsage). Then usage is recorded but hidden unless the client asked for it too;
   * otherwise (e.g. Mistral, which reports usage unasked) chunks pass through untouched.
   */
  constructor(context: TranslateContext, injectedUsage = false) {
    super();
    this.#forwardUsage = !injectedUsage || wantsUsageChunk(context.request);
  }

  protected translate(event: SseEvent): StreamItem[] {
    const item = this.#event(event.data);
    return item === undefined ? [] : [item];
  }

  #event(data: string): StreamItem | undefined {
    if (data.trim() === STREAM_DONE) {
      this.tracker.markCompleted();
      return this.tracker.doneEmitted ? undefined : STREAM_DONE;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return undefined; // Kong drops frames it cannot decode
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const chunk = parsed as ChatChunk;
    if (this.#forwardUsage) return chunk;
    // Portico asked for usage on the client's behalf: record it, but keep the client's stream
    // exactly as it would have been without stream_options (no usage chunk, no `usage: null`).
    if (chunk.usage != null) this.tracker.setUsage(chunk.usage);
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage != null) return undefined;
    if ('usage' in chunk) {
      const { usage: _usage, ...rest } = chunk;
      return rest as ChatChunk;
    }
    return chunk;
  }
}
