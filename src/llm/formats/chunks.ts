// Builders for canonical stream chunks, shared by the translators that synthesise OpenAI chunks
// from another provider's events (anthropic, cohere, ollama, ...).

import type { ChatChunk, ChatChunkDelta, CompletionChunk, FinishReason, Usage } from '../protocols/openai.ts';
import type { CanonicalRouteType } from '../protocols/route-types.ts';

export interface ChunkIdentity {
  id?: string;
  model?: string;
}

export function chatChunk(identity: ChunkIdentity, delta: ChatChunkDelta, finishReason: FinishReason | null = null): ChatChunk {
  const chunk: ChatChunk = { object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
  if (identity.id !== undefined) chunk.id = identity.id;
  if (identity.model !== undefined) chunk.model = identity.model;
  return chunk;
}

export function completionChunk(identity: ChunkIdentity, text: string, finishReason: FinishReason | null = null): CompletionChunk {
  const chunk: CompletionChunk = { object: 'text_completion', choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }] };
  if (identity.id !== undefined) chunk.id = identity.id;
  if (identity.model !== undefined) chunk.model = identity.model;
  return chunk;
}

/** A text delta in the shape of the route type (chat delta or completion text). */
export function textChunk(routeType: CanonicalRouteType, identity: ChunkIdentity, text: string, finishReason: FinishReason | null = null): ChatChunk | CompletionChunk {
  return routeType === 'llm/v1/completions' ? completionChunk(identity, text, finishReason) : chatChunk(identity, { content: text }, finishReason);
}

/** A finish-only chunk (empty delta / empty text), as OpenAI sends before [DONE]. */
export function finishChunk(routeType: CanonicalRouteType, identity: ChunkIdentity, finishReason: FinishReason): ChatChunk | CompletionChunk {
  return routeType === 'llm/v1/completions' ? completionChunk(identity, '', finishReason) : chatChunk(identity, {}, finishReason);
}

/** OpenAI's trailing usage chunk (`choices: []`), sent only to clients that asked with stream_options.include_usage. */
export function usageChunk(routeType: CanonicalRouteType, identity: ChunkIdentity, usage: Usage): ChatChunk | CompletionChunk {
  const chunk = { object: routeType === 'llm/v1/completions' ? 'text_completion' : 'chat.completion.chunk', choices: [], usage } as ChatChunk | CompletionChunk;
  if (identity.id !== undefined) chunk.id = identity.id;
  if (identity.model !== undefined) chunk.model = identity.model;
  return chunk;
}

/** Whether the client asked for the trailing usage chunk. */
export function wantsUsageChunk(request: unknown): boolean {
  const options = (request as { stream_options?: { include_usage?: unknown } } | undefined)?.stream_options;
  return options?.include_usage === true;
}
