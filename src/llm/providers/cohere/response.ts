// Cohere → OpenAI responses (kong/llm/drivers/cohere.lua transformers_from). `model` is the
// configured/effective name, as in Kong. Embeddings (/v1/embed) → OpenAI's embeddings list.

import type { CanonicalResponse, ChatMessage, Usage } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import type { Translation } from '../types.ts';

type Json = Record<string, any>;

export const MISSING_FIELDS = "'text' or 'generations' missing from cohere response body";

export function billedUsage(units: Json | undefined): Usage | undefined {
  if (!units || (typeof units.input_tokens !== 'number' && typeof units.output_tokens !== 'number')) return undefined;
  const prompt = units.input_tokens ?? 0;
  const completion = units.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function tokenCountUsage(counts: Json | undefined): Usage | undefined {
  if (!counts || typeof counts.prompt_tokens !== 'number') return undefined;
  return { prompt_tokens: counts.prompt_tokens, completion_tokens: counts.response_tokens ?? 0, total_tokens: counts.total_tokens ?? counts.prompt_tokens + (counts.response_tokens ?? 0) };
}

function withUsage<T extends Json>(body: T, usage: Usage | undefined): T {
  if (usage) (body as Json).usage = usage;
  return body;
}

/** v2-style content: an array of text blocks (or a string). */
function v2Content(message: Json): string | null {
  if (typeof message.tool_plan === 'string') return message.tool_plan;
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.filter((block: Json) => block?.type === 'text').map((block: Json) => block.text).join('');
  return null;
}

function fromEmbed(body: Json, model: string | undefined): Translation<CanonicalResponse> {
  const vectors = Array.isArray(body.embeddings) ? body.embeddings : body.embeddings?.float;
  if (!Array.isArray(vectors)) return { ok: false, message: "'embeddings' missing from cohere response body" };
  const tokens = body.meta?.billed_units?.input_tokens ?? 0;
  return {
    ok: true,
    value: {
      object: 'list',
      data: vectors.map((embedding: number[], index: number) => ({ object: 'embedding' as const, index, embedding })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

export function fromCohere(routeType: RouteType, raw: unknown, model: string | undefined): Translation<CanonicalResponse> {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
  if (routeType === 'llm/v1/embeddings') return fromEmbed(body, model);
  if (Array.isArray(body.generations) && body.prompt !== undefined) {
    const choices = body.generations.map((generation: Json, index: number) => ({ index, text: generation.text, logprobs: null, finish_reason: 'stop' }));
    return { ok: true, value: withUsage({ id: body.id, object: 'text_completion' as const, model, choices }, billedUsage(body.meta?.billed_units)) };
  }
  if (typeof body.text === 'string') {
    const message: ChatMessage = { role: 'assistant', content: body.text };
    const usage = routeType === 'llm/v1/completions' ? tokenCountUsage(body.token_count) : billedUsage(body.meta?.billed_units);
    return { ok: true, value: withUsage({ id: body.generation_id, object: 'chat.completion' as const, model, choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }] }, usage) };
  }
  if (routeType === 'llm/v1/chat' && typeof body.message === 'object' && body.message !== null) {
    const message: ChatMessage = { role: 'assistant', content: v2Content(body.message) };
    if (body.message.tool_calls !== undefined) message.tool_calls = body.message.tool_calls;
    return {
      ok: true,
      value: withUsage({ id: body.id, object: 'chat.completion' as const, model, choices: [{ index: 0, message, logprobs: null, finish_reason: body.finish_reason ?? null }] }, billedUsage(body.usage?.billed_units)),
    };
  }
  return { ok: false, message: MISSING_FIELDS };
}
