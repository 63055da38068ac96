// Token usage, cost and the `ai.proxy` analytics record (kong/llm/drivers/shared.lua post_request,
// kong/llm/plugin/observability.lua, shared-filters/serialize-analytics.lua).
//
// Portico uses the provider's own counts wherever it reports them (streams included: OpenAI-style
// upstreams are asked for a usage chunk). Only when a count is missing is it estimated, as
// ceil(characters / 4) for prompt and completion alike, and the record says `estimated: true`.
// Kong instead estimates prompt tokens by whitespace word count × 1.8 (streaming) for some
// providers and completion tokens only when payload logging is on (docs/compat.md).

import type { LlmConf, LlmModelOptions } from './conf.ts';
import type { CanonicalRequest, CanonicalResponse, ContentPart, MessageContent, Usage } from './protocols/openai.ts';

/** Namespace under `ai` used by ai-proxy (Kong shares it with ai-proxy-advanced). */
export const AI_PROXY_NAMESPACE = 'proxy';

export interface ResolvedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** True when any count was estimated rather than reported by the provider. */
  estimated: boolean;
}

/** The rough token count of text: about 4 characters per token for English in BPE tokenizers. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

function contentLength(content: MessageContent | undefined): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const part of content as ContentPart[]) {
    if (part && part.type === 'text' && typeof part.text === 'string') length += part.text.length;
  }
  return length;
}

/** Characters of prompt text in a canonical request (messages, prompt or embeddings input). */
export function promptCharacters(request: CanonicalRequest | undefined): number {
  if (!request) return 0;
  const record = request as Record<string, unknown>;
  if (Array.isArray(record.messages)) {
    let length = 0;
    for (const message of record.messages as { content?: MessageContent }[]) length += contentLength(message?.content);
    return length;
  }
  if (typeof record.prompt === 'string') return record.prompt.length;
  const input = record.input;
  if (typeof input === 'string') return input.length;
  if (Array.isArray(input)) return input.reduce<number>((sum, item) => sum + (typeof item === 'string' ? item.length : 0), 0);
  return 0;
}

/** Characters of generated text in a canonical response (for the estimate when usage is missing). */
export function completionCharacters(response: CanonicalResponse | undefined): number {
  const choices = (response as { choices?: unknown } | undefined)?.choices;
  if (!Array.isArray(choices)) return 0;
  let length = 0;
  for (const choice of choices as { text?: unknown; message?: { content?: MessageContent } }[]) {
    if (typeof choice?.text === 'string') length += choice.text.length;
    else length += contentLength(choice?.message?.content);
  }
  return length;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export interface UsageInput {
  /** Usage reported by the provider (canonical shape), or null/undefined when none. */
  reported: Usage | Record<string, unknown> | null | undefined;
  request?: CanonicalRequest;
  /** Generated characters, when the reported usage lacks a completion count. */
  completionChars?: number;
}

/** Reported counts where present; estimates (flagged) only for what is missing. */
export function resolveUsage(input: UsageInput): ResolvedUsage {
  const reported = (input.reported ?? {}) as Record<string, unknown>;
  let estimated = false;
  let prompt = count(reported.prompt_tokens);
  if (prompt === undefined) {
    prompt = Math.ceil(promptCharacters(input.request) / 4);
    estimated = true;
  }
  let completion = count(reported.completion_tokens);
  if (completion === undefined) {
    // Embeddings have no completion: nothing to estimate.
    completion = Math.ceil((input.completionChars ?? 0) / 4);
    if (input.completionChars !== undefined) estimated = true;
  }
  const total = count(reported.total_tokens) ?? prompt + completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total, estimated };
}

/** Cost in the configured currency: input/output prices are per 1 M tokens; unset prices count 0. */
export function computeCost(usage: { prompt_tokens: number; completion_tokens: number }, options: LlmModelOptions | null | undefined): number {
  const inputCost = options?.input_cost ?? 0;
  const outputCost = options?.output_cost ?? 0;
  if (inputCost === 0 && outputCost === 0) return 0;
  return (usage.prompt_tokens * inputCost + usage.completion_tokens * outputCost) / 1_000_000;
}

/** Kong's llm_tpot_latency: latency / completion tokens, 0 when nothing was generated. */
export function timePerToken(latencyMs: number, completionTokens: number): number {
  return completionTokens > 0 ? latencyMs / completionTokens : 0;
}

export interface AiProxyMeta {
  plugin_id: string;
  provider_name: string;
  request_model: string;
  response_model: string;
  llm_latency: number;
  azure_instance_id?: string;
  azure_deployment_id?: string;
  azure_api_version?: string;
}

export interface AiProxyUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  time_per_token: number;
  cost: number;
  /** Portico: present (true) only when some count was estimated. */
  estimated?: true;
}

export interface AiProxyRecord {
  meta: AiProxyMeta;
  usage: AiProxyUsage;
  payload?: { request?: string; response?: string };
  /** Transformer plugins only: Kong writes an empty `cache` object. */
  cache?: Record<string, never>;
}

export interface AnalyticsInput {
  conf: LlmConf;
  pluginId: string;
  /** Effective model; Kong falls back to "UNSPECIFIED". */
  requestModel: string | undefined;
  /** `model` of the (translated) response, else the request model. */
  responseModel: string | undefined;
  latencyMs: number;
  usage: ResolvedUsage;
  /** The body sent upstream (provider-native) and the client-facing body, for log_payloads. */
  requestPayload?: string;
  responsePayload?: string;
  /**
   * The ai-request/response-transformer shape (Kong's shared.post_request, §8.2): integer
   * time_per_token, cost only when prices are configured, and an empty `cache` object.
   */
  transformer?: boolean;
}

/**
 * The value serialised under `ai.proxy` (or `ai.<transformer-name>`). Like Kong's
 * serialize-analytics, nothing is produced unless `log_statistics` is on; payloads are added
 * when `log_payloads` is on as well.
 */
export function buildAnalyticsRecord(input: AnalyticsInput): AiProxyRecord | undefined {
  const logging = input.conf.logging;
  if (!logging?.log_statistics) return undefined;
  const requestModel = input.requestModel ?? 'UNSPECIFIED';
  const latency = Math.round(input.latencyMs);
  const meta: AiProxyMeta = {
    plugin_id: input.pluginId,
    provider_name: input.conf.model.provider,
    request_model: requestModel,
    response_model: input.responseModel ?? requestModel,
    llm_latency: latency,
  };
  const options = input.conf.model.options;
  if (input.conf.model.provider === 'azure' && options) {
    if (options.azure_instance) meta.azure_instance_id = options.azure_instance;
    if (options.azure_deployment_id) meta.azure_deployment_id = options.azure_deployment_id;
    if (options.azure_api_version) meta.azure_api_version = options.azure_api_version;
  }
  const perToken = timePerToken(latency, input.usage.completion_tokens);
  const usage: AiProxyUsage = {
    prompt_tokens: input.usage.prompt_tokens,
    completion_tokens: input.usage.completion_tokens,
    total_tokens: input.usage.total_tokens,
    time_per_token: input.transformer ? Math.floor(perToken) : perToken,
    cost: computeCost(input.usage, options),
  };
  if (input.transformer && options?.input_cost == null && options?.output_cost == null) delete (usage as Partial<AiProxyUsage>).cost;
  if (input.usage.estimated) usage.estimated = true;
  const record: AiProxyRecord = { meta, usage };
  if (logging.log_payloads) record.payload = { request: input.requestPayload, response: input.responsePayload };
  if (input.transformer) record.cache = {};
  return record;
}
