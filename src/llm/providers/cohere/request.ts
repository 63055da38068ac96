// OpenAI → Cohere v1 (kong/llm/drivers/cohere.lua): chat moves every message but the last into
// `chat_history` ({role: CHATBOT for assistant, USER otherwise, message}) and the last one's
// content into `message`; completions keep `prompt` (/v1/generate); top_p/top_k become p/k;
// other fields pass through. Embeddings go to /v1/embed as {texts, model, input_type}.

import type { ChatRequest, CompletionRequest, ContentPart, EmbeddingsRequest, MessageContent } from '../../protocols/openai.ts';
import { applyBodyAuth } from '../../upstream.ts';
import type { TranslateContext, Translation } from '../types.ts';

type Json = Record<string, unknown>;

/** Cohere v1 messages are plain strings: multimodal text parts are joined. */
function textOf(content: MessageContent | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as ContentPart[]).filter((part) => part.type === 'text').map((part) => (part as { text: string }).text).join('\n');
}

export function toCohereGeneration(request: ChatRequest | CompletionRequest, context: TranslateContext): Translation<Json> {
  const body: Json = { ...request };
  if (request.top_p !== undefined) body.p = request.top_p;
  if (request.top_k !== undefined) body.k = request.top_k;
  delete body.top_p;
  delete body.top_k;
  body.model = context.model ?? request.model;
  body.stream = request.stream === true;
  const messages = (request as ChatRequest).messages;
  if (Array.isArray(messages)) {
    if (messages.length > 1) {
      body.chat_history = messages.slice(0, -1).map((message) => ({
        role: message.role === 'assistant' ? 'CHATBOT' : 'USER',
        message: textOf(message.content),
      }));
    }
    body.message = textOf(messages.at(-1)?.content);
    delete body.messages;
  }
  // Kong's cohere driver edits the client's table in place, so a body auth param reaches the wire.
  applyBodyAuth(context.conf, body);
  return { ok: true, value: body };
}

export function toCohereEmbed(request: EmbeddingsRequest, context: TranslateContext): Translation<Json> {
  const input = request.input;
  if (!(typeof input === 'string' || (Array.isArray(input) && input.every((item) => typeof item === 'string')))) {
    return { ok: false, message: 'cohere embeddings accept only text input' };
  }
  return {
    ok: true,
    value: {
      model: context.model ?? request.model,
      texts: typeof input === 'string' ? [input] : input,
      // Required by Cohere's v3 embedding models; a client may choose another type.
      input_type: typeof request.input_type === 'string' ? request.input_type : 'search_document',
      embedding_types: ['float'],
    },
  };
}
