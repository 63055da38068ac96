// Canonical request validation in Kong's order with Kong's 400 bodies
// (kong/llm/plugin/shared-filters/normalize-request.lua, kong/llm/init.lua is_compatible), plus
// the config-wins sampling overrides (shared.merge_config_defaults) and the response_streaming
// decision. Pure: the ai-proxy glue turns a rejection into kong.response.exit(400, body).

import type { LlmConf } from './conf.ts';
import { errorBody } from './protocols/openai.ts';
import type { CanonicalRequest, ErrorBody } from './protocols/openai.ts';
import type { RouteType } from './protocols/route-types.ts';

export interface ValidatedRequest {
  routeType: RouteType;
  /** Effective model: the configured name, else the body's `model`; undefined only for preserve. */
  model: string | undefined;
  stream: boolean;
  /** The canonical request with overrides applied and `stream` forced; the raw body for preserve. */
  request: CanonicalRequest;
}

export type ValidationResult = { ok: true; value: ValidatedRequest } | { ok: false; status: 400; body: ErrorBody };

export const MESSAGES = {
  noPrompts: "request body doesn't contain valid prompts",
  noModel: 'model parameter not found in request, nor in gateway configuration',
  multipleFormats: 'request matches multiple LLM request formats',
  unrecognised: 'request format not recognised',
  streamingDenied: 'response streaming is not enabled for this LLM',
} as const;

function reject(message: string): ValidationResult {
  return { ok: false, status: 400, body: errorBody(message) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasMessages(body: Record<string, unknown>): boolean {
  return Array.isArray(body.messages) && body.messages.length > 0 && body.messages.every(isObject);
}

function hasEmbeddingsInput(body: Record<string, unknown>): boolean {
  const input = body.input;
  return typeof input === 'string' || (Array.isArray(input) && input.length > 0);
}

/** Kong's identify_request (+ Portico's embeddings format, recognised by `input`). */
export function identifyRequest(body: Record<string, unknown>): { ok: true; value: RouteType } | { ok: false; message: string } {
  const formats: RouteType[] = [];
  if (hasMessages(body)) formats.push('llm/v1/chat');
  if (typeof body.prompt === 'string') formats.push('llm/v1/completions');
  if (formats.length === 0 && hasEmbeddingsInput(body)) formats.push('llm/v1/embeddings');
  if (formats.length > 1) return { ok: false, message: MESSAGES.multipleFormats };
  if (formats.length === 0) return { ok: false, message: MESSAGES.unrecognised };
  return { ok: true, value: formats[0]! };
}

/** Streaming decision: `always` forces it, `deny` rejects a streaming request, `allow` follows the client. */
export function decideStreaming(conf: LlmConf, requested: boolean): { ok: true; stream: boolean } | { ok: false; message: string } {
  const mode = conf.response_streaming ?? 'allow';
  if (mode === 'always') return { ok: true, stream: true };
  if (requested && mode === 'deny') return { ok: false, message: MESSAGES.streamingDenied };
  return { ok: true, stream: requested };
}

/** Configured sampling options win over the client's (Kong's merge_config_defaults). */
export function applyModelOptions(request: Record<string, unknown>, conf: LlmConf): void {
  const options = conf.model.options;
  if (!options) return;
  if (options.max_tokens != null) request.max_tokens = options.max_tokens;
  if (options.temperature != null) request.temperature = options.temperature;
  if (options.top_p != null) request.top_p = options.top_p;
  if (options.top_k != null) request.top_k = options.top_k;
}

/**
 * Validates a parsed client body (undefined/non-object when it was not JSON) against the conf
 * (with templated model options already resolved). Order follows Kong exactly.
 */
export function validateRequest(conf: LlmConf, body: unknown): ValidationResult {
  const table = isObject(body) ? body : {};
  const preserve = conf.route_type === 'preserve';
  if (!preserve) {
    const valid = conf.route_type === 'llm/v1/embeddings'
      ? hasEmbeddingsInput(table)
      : hasMessages(table) || typeof table.prompt === 'string';
    if (!valid) return reject(MESSAGES.noPrompts);
  }

  const bodyModel = typeof table.model === 'string' && table.model !== '' ? table.model : undefined;
  const model = conf.model.name || bodyModel;
  if (bodyModel !== undefined && bodyModel !== model) return reject(`cannot use own model - must be: ${model}`);
  if (model === undefined && !preserve) return reject(MESSAGES.noModel);

  if (!preserve) {
    const format = identifyRequest(table);
    if (!format.ok) return reject(format.message);
    if (format.value !== conf.route_type) {
      return reject(`[${format.value}] message format is not compatible with [${conf.route_type}] route type`);
    }
  }

  // Embeddings never stream, whatever response_streaming says.
  const streaming = conf.route_type === 'llm/v1/embeddings' ? { ok: true as const, stream: false } : decideStreaming(conf, table.stream === true);
  if (!streaming.ok) return reject(streaming.message);
  if (preserve) return { ok: true, value: { routeType: 'preserve', model, stream: streaming.stream, request: table as CanonicalRequest } };

  const request: Record<string, unknown> = { ...table };
  if (conf.route_type !== 'llm/v1/embeddings') {
    if (streaming.stream) request.stream = true;
    applyModelOptions(request, conf);
  }
  return { ok: true, value: { routeType: conf.route_type, model, stream: streaming.stream, request: request as CanonicalRequest } };
}
