// Pure response-path decisions for the ai-proxy glue (kong/llm/plugin/shared-filters/
// normalize-json-response.lua, normalize-response-header.lua, normalize-sse-chunk.lua).

import { getProvider } from './providers/index.ts';
import type { TranslateContext } from './providers/types.ts';
import type { CanonicalResponse, ErrorBody } from './protocols/openai.ts';
import type { RouteType } from './protocols/route-types.ts';
import { transformationFailedBody } from './translation-errors.ts';

/** Kong's response header naming the model that answered: `<provider>/<model>`. */
export const MODEL_HEADER = 'X-Kong-LLM-Model';

export function modelHeaderValue(provider: string, model: string): string {
  return `${provider}/${model}`;
}

export type ResponseOutcome =
  /** Forward the upstream body untouched (non-200 answers, preserve mode). */
  | { kind: 'passthrough' }
  | { kind: 'translated'; status: 200; body: CanonicalResponse }
  /** Kong's 500 for a 200 answer it cannot translate. */
  | { kind: 'failed'; status: 500; body: ErrorBody };

/**
 * Non-200 provider answers pass through untranslated (the client sees the provider's own
 * error); 200 answers are translated to the canonical shape or become Kong's 500 body.
 */
export function translateResponse(provider: string, routeType: RouteType, status: number, bodyText: string, context: TranslateContext): ResponseOutcome {
  if (status !== 200 || routeType === 'preserve') return { kind: 'passthrough' };
  const driver = getProvider(provider);
  if (!driver) return { kind: 'failed', status: 500, body: transformationFailedBody(provider, routeType, 'no driver for this provider') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { kind: 'failed', status: 500, body: transformationFailedBody(provider, routeType, `failed to decode ${routeType} response`) };
  }
  const result = driver.fromNative(routeType, parsed, context);
  if (!result.ok) return { kind: 'failed', status: 500, body: transformationFailedBody(provider, routeType, result.message) };
  return { kind: 'translated', status: 200, body: result.value };
}

const STREAM_CONTENT_TYPES = new Set([
  'text/event-stream',
  'application/vnd.amazon.eventstream',
  'application/json',
  'application/stream+json',
  'application/x-ndjson',
]);

/** Upstream stream content types Kong parses (parameters ignored); others get the error frame. */
export function isStreamContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return STREAM_CONTENT_TYPES.has(contentType.split(';', 1)[0]!.trim().toLowerCase());
}
