// Kong's parse-request filter (kong/llm/plugin/shared-filters/parse-request.lua), shared by the AI
// plugins: the client body as a table, parsed once per request. The first AI plugin that parses
// it stores the table in `kong.ctx.shared[AI_REQUEST_BODY_KEY]`; later ones (decorator → guard →
// proxy) read and replace that table, so each sees the edits of the plugins before it.

import { getProvider } from './providers/index.ts';

/** kong.ctx.shared key of the "request body table in use" (Kong's ctx `request_body_table`). */
export const AI_REQUEST_BODY_KEY = 'ai_request_body';

/** kong.ctx.shared key of the raw body an AI plugin wrote upstream (the client's body no longer applies). */
export const AI_REWRITTEN_BODY_KEY = 'ai_request_body_raw';

/** kong.ctx.shared key set when a transformer produced the client response (Kong's `response_body_sent`). */
export const AI_RESPONSE_SENT_KEY = 'ai_response_body_sent';

/** Where the client body comes from: `kong.request` (passed as is, no per-request closure). */
export interface RawBodySource {
  get_raw_body(): Promise<Buffer>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses the client body as Kong does: JSON when the Content-Type is JSON or missing; bodies
 * over `maxSize` bytes are not parsed (Kong only reads spooled bodies up to
 * max_request_body_size), and anything unparseable becomes an empty table, which validation
 * later reports as "request body doesn't contain valid prompts".
 */
export function parseLlmRequestBody(raw: Uint8Array, contentType: string | undefined, maxSize: number): Record<string, unknown> {
  const type = (contentType ?? 'application/json').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) return {};
  if (raw.length === 0 || raw.length > maxSize) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('utf8'));
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** The shared table if an earlier AI plugin parsed the body, else undefined. */
export function sharedRequestBody(shared: Record<string, unknown>): Record<string, unknown> | undefined {
  const value = shared[AI_REQUEST_BODY_KEY];
  return isObject(value) ? value : undefined;
}

/**
 * The body table for this request: the shared one when an earlier AI plugin parsed (or
 * rewrote) it, else parsed now from the client body and shared with the AI plugins after.
 */
export async function loadRequestBody(
  shared: Record<string, unknown>, request: RawBodySource, contentType: string | undefined, maxSize: number,
): Promise<Record<string, unknown>> {
  const existing = sharedRequestBody(shared);
  if (existing !== undefined) return existing;
  const table = parseLlmRequestBody(await request.get_raw_body(), contentType, maxSize);
  shared[AI_REQUEST_BODY_KEY] = table;
  return table;
}

/**
 * Records a body an AI plugin sent upstream in place of the client's: the table for the
 * introspecting plugins after it (parsed from `raw` unless given) and the raw text for those that
 * forward bytes as they are (ai-proxy preserve mode, native formats, SigV4 signing).
 */
export function rewriteRequestBody(shared: Record<string, unknown>, raw: string, table?: Record<string, unknown>): void {
  shared[AI_REQUEST_BODY_KEY] = table ?? parseLlmRequestBody(Buffer.from(raw), 'application/json', Number.MAX_SAFE_INTEGER);
  shared[AI_REWRITTEN_BODY_KEY] = raw;
}

/** The body to forward as is: the latest AI rewrite, else the client's. */
export async function forwardedRequestBody(shared: Record<string, unknown>, request: RawBodySource): Promise<string | Buffer> {
  const rewritten = shared[AI_REWRITTEN_BODY_KEY];
  return typeof rewritten === 'string' ? rewritten : request.get_raw_body();
}

/**
 * The OpenAI-shaped view of a body for introspection (guards): native `llm_format` bodies
 * (gemini, bedrock) go through the provider's adapter, as Kong's parse-request does.
 */
export function introspectionView(
  table: Record<string, unknown>, llmFormat: string | null | undefined, path: string, captures?: Readonly<Record<string, string>>,
): Record<string, unknown> {
  if (!llmFormat || llmFormat === 'openai') return table;
  const adapter = getProvider(llmFormat)?.nativeFormat;
  if (adapter === undefined) return table;
  const request = adapter.toCanonical(table, path, captures).request as Record<string, unknown>;
  // Native messages always carry parts; text-only ones read as plain text (as OpenAI clients
  // send them), so guards treat a native "hello" like an OpenAI one. Other parts stay arrays.
  if (!Array.isArray(request.messages)) return request;
  const messages = request.messages.map((message: { content?: unknown }) => {
    const content = message?.content;
    if (!Array.isArray(content) || !content.every((part) => part?.type === 'text' && typeof part.text === 'string')) return message;
    return { ...message, content: content.map((part: { text: string }) => part.text).join(' ') };
  });
  return { ...request, messages };
}
