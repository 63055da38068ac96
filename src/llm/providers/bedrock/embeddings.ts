// Embeddings through Bedrock InvokeModel (Portico addition; Kong OSS has no Bedrock embeddings).
// The body is model-specific: Amazon Titan embeds one text per call ({inputText}), Cohere
// Embed takes a batch ({texts, input_type}).

import type { EmbeddingsRequest, EmbeddingsResponse } from '../../protocols/openai.ts';
import type { Translation, TranslateContext } from '../types.ts';
import { asRecord } from './response.ts';

function isCohere(model: string | undefined): boolean {
  return (model ?? '').includes('cohere.embed');
}

function texts(input: EmbeddingsRequest['input']): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) return input as string[];
  return undefined;
}

export function toBedrockEmbeddings(request: EmbeddingsRequest, context: TranslateContext): Translation<Record<string, unknown>> {
  const list = texts(request.input);
  if (!list) return { ok: false, message: 'Bedrock embeddings accept a string or an array of strings as input' };
  if (isCohere(context.model)) {
    const inputType = typeof request.input_type === 'string' ? request.input_type : 'search_document';
    return { ok: true, value: { texts: list, input_type: inputType } };
  }
  if (list.length > 1) return { ok: false, message: 'Amazon Titan embeddings take exactly one input per request' };
  const body: Record<string, unknown> = { inputText: list[0] };
  if (typeof request.dimensions === 'number') body.dimensions = request.dimensions;
  return { ok: true, value: body };
}

export function fromBedrockEmbeddings(body: unknown, context: TranslateContext): Translation<EmbeddingsResponse> {
  const response = asRecord(body);
  let vectors: unknown[] | undefined;
  let promptTokens: number | undefined;
  if (Array.isArray(response?.embedding)) {
    vectors = [response.embedding];
    if (typeof response.inputTextTokenCount === 'number') promptTokens = response.inputTextTokenCount;
  } else if (Array.isArray(response?.embeddings)) {
    vectors = response.embeddings;
  } else if (Array.isArray(asRecord(response?.embeddings)?.float)) {
    vectors = asRecord(response?.embeddings)!.float as unknown[]; // Cohere with embedding_types
  }
  if (!vectors || !vectors.every(Array.isArray)) return { ok: false, message: "'embedding' not in bedrock://llm/v1/embeddings response" };
  const result: EmbeddingsResponse = {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding: embedding as number[] })),
    model: context.model,
  };
  if (promptTokens !== undefined) result.usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
  return { ok: true, value: result };
}
