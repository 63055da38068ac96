// The `ai.proxy` log record (Kong's serialize-analytics, kong-ai.md §8.1): written with
// kong.log.set_serialize_value so every logging plugin — and the prometheus exporter, which
// reads `ai.*` from the serialized entry like Kong's — sees usage, cost and latency.
import type { Pdk } from '../../pdk/index.ts';
import type { CanonicalResponse, Usage } from '../../llm/protocols/openai.ts';
import { AI_PROXY_NAMESPACE, buildAnalyticsRecord, completionCharacters, resolveUsage } from '../../llm/usage.ts';
import type { AiRequestState } from './state.ts';

export interface AnalyticsOutcome {
  reported: Usage | Record<string, unknown> | null | undefined;
  completionChars: number;
  responseModel: string | undefined;
  responsePayload?: string;
  /** Streams: false when the upstream ended without its terminator (recorded for the log). */
  completed?: boolean;
}

function payloadText(payload: string | Buffer | undefined): string | undefined {
  return payload === undefined || typeof payload === 'string' ? payload : payload.toString('utf8');
}

/** Kong's serialize-analytics writes nothing without log_statistics: then nothing need be counted. */
export function analyticsEnabled(state: AiRequestState): boolean {
  return Boolean(state.conf.logging?.log_statistics);
}

export function recordAnalytics(kong: Pdk, state: AiRequestState, pluginId: string, outcome: AnalyticsOutcome): void {
  if (!analyticsEnabled(state)) return;
  const usage = resolveUsage({ reported: outcome.reported, request: state.request, completionChars: outcome.completionChars });
  const record = buildAnalyticsRecord({
    conf: state.conf,
    pluginId,
    requestModel: state.model,
    responseModel: outcome.responseModel,
    latencyMs: state.latency ?? performance.now() - state.startedAt,
    usage,
    requestPayload: payloadText(state.requestPayload),
    responsePayload: outcome.responsePayload,
  });
  if (record === undefined) return;
  // Portico: an interrupted stream is flagged so the log tells a cut answer from a whole one.
  if (outcome.completed === false) (record.meta as unknown as Record<string, unknown>).stream_interrupted = true;
  kong.log.set_serialize_value(`ai.${AI_PROXY_NAMESPACE}`, record);
}

/** Usage inputs of a whole (non-streamed) canonical answer. */
export function outcomeOfResponse(body: CanonicalResponse | undefined, fallbackModel: string | undefined, payload?: string): AnalyticsOutcome {
  const record = body as { usage?: Usage; model?: unknown } | undefined;
  return {
    reported: record?.usage,
    completionChars: completionCharacters(body),
    responseModel: typeof record?.model === 'string' && record.model !== '' ? record.model : fallbackModel,
    responsePayload: payload,
  };
}
