// ai-proxy's response path (kong-ai.md §6): header_filter decides what the client gets —
// translated JSON or Kong's 500 for a whole answer, a translated SSE stream for a streamed one,
// the provider's own body for non-200 answers — and body_filter emits it chunk by chunk.
import type { Pdk } from '../../pdk/index.ts';
import { isStreamContentType, MODEL_HEADER, modelHeaderValue, translateResponse } from '../../llm/response.ts';
import { StreamTextCollector, syntheticStreamResponse } from '../../llm/streaming/collector.ts';
import { sseFrames, SSE_UNSUPPORTED_FRAME } from '../../llm/streaming/sse-writer.ts';
import { resolveUsage } from '../../llm/usage.ts';
import type { StreamItem } from '../../llm/providers/types.ts';
import { analyticsEnabled, outcomeOfResponse, recordAnalytics } from './analytics.ts';
import { stateOf, type AiRequestState } from './state.ts';

/** The chunks before the end of a replaced body: nothing (shared, never written to). */
const EMPTY = Buffer.alloc(0);

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

export function aiProxyHeaderFilter(kong: Pdk, pluginId: string): void {
  const state = stateOf(kong.ctx.plugin);
  // Kong-generated answers (another plugin's exit, a failed access) are not the LLM's.
  if (state === undefined || kong.response.get_source() !== 'service') return;
  if (analyticsEnabled(state)) state.latency = performance.now() - state.startedAt;
  const cleared = state.driver.clearResponseHeaders;
  if (cleared !== undefined) for (const name of cleared) kong.response.clear_header(name);
  const status = kong.service.response.get_status() ?? kong.response.get_status();
  const conf = state.conf;
  if (status === 200 && conf.model_name_header !== false && state.model !== undefined) {
    kong.response.set_header(MODEL_HEADER, modelHeaderValue(conf.model.provider, state.model));
  }
  if (state.stream) {
    prepareStream(kong, state, status);
    return;
  }
  // Whole answers were buffered (enable_buffering in access).
  const raw = kong.service.response.get_raw_body();
  const text = raw === null ? '' : raw.toString('utf8');
  if (state.native) {
    // Native llm_format: the answer goes back untouched; usage is read for the log only.
    if (!analyticsEnabled(state)) return;
    const parsed = parseJson(text);
    const translated = state.driver.fromNative(state.routeType, parsed, { conf, model: state.model, request: state.request });
    const responseModel = state.driver.nativeFormat?.responseModel(parsed) ?? state.model;
    const outcome = outcomeOfResponse(translated.ok ? translated.value : undefined, responseModel, text);
    recordAnalytics(kong, state, pluginId, { ...outcome, responseModel });
    return;
  }
  const result = translateResponse(conf.model.provider, state.routeType, status, text, { conf, model: state.model, request: state.request });
  if (result.kind === 'passthrough') {
    // Non-200 answers (and preserve routes) reach the client as the provider sent them.
    if (!analyticsEnabled(state)) return;
    const usage = (parseJson(text) as { usage?: Record<string, unknown> } | undefined)?.usage;
    recordAnalytics(kong, state, pluginId, { ...outcomeOfResponse(undefined, state.model, text), reported: usage });
    return;
  }
  const body = JSON.stringify(result.body);
  // Encoded once: its length is the Content-Length and body_filter sends these bytes as they are.
  const bytes = Buffer.from(body);
  state.replacement = bytes;
  kong.response.clear_header('Content-Encoding');
  kong.response.set_header('Content-Type', 'application/json');
  kong.response.set_header('Content-Length', String(bytes.length));
  if (result.kind === 'failed') {
    kong.response.set_status(500);
    kong.response.clear_header(MODEL_HEADER);
    return;
  }
  if (analyticsEnabled(state)) recordAnalytics(kong, state, pluginId, outcomeOfResponse(result.body, state.model, body));
}

function prepareStream(kong: Pdk, state: AiRequestState, status: number): void {
  const upstreamType = kong.response.get_header('Content-Type');
  // Kong labels every AI stream as SSE, error statuses included.
  kong.response.set_header('Content-Type', 'text/event-stream');
  kong.response.clear_header('Content-Length');
  kong.response.clear_header('Content-Encoding');
  if (status !== 200 || state.routeType === 'preserve') return;
  if (!isStreamContentType(upstreamType)) {
    state.unsupportedStream = true;
    return;
  }
  const context = { conf: state.conf, model: state.model, request: state.request };
  state.translator = state.driver.createStreamTranslator(state.routeType, context);
  if (state.translator === undefined) state.unsupportedStream = true;
  if (state.conf.logging?.log_payloads) state.collector = new StreamTextCollector();
}

export function aiProxyBodyFilter(kong: Pdk, pluginId: string): void {
  const state = stateOf(kong.ctx.plugin);
  if (state === undefined || kong.response.get_source() !== 'service') return;
  const { chunk, eof } = kong.response.get_chunk();
  if (state.replacement !== undefined) {
    kong.response.set_chunk(eof ? state.replacement : EMPTY);
    return;
  }
  if (state.unsupportedStream) {
    // Kong's normalize-sse-chunk: one error frame in place of an unparseable stream.
    if (!state.unsupportedSent && chunk.length > 0) {
      state.unsupportedSent = true;
      kong.response.set_chunk(SSE_UNSUPPORTED_FRAME);
    } else {
      kong.response.set_chunk('');
    }
    return;
  }
  const translator = state.translator;
  if (translator === undefined) return;
  const items: StreamItem[] = chunk.length > 0 ? translator.push(chunk) : [];
  if (eof) items.push(...translator.end());
  state.collector?.add(items);
  // Native clients (llm_format) get the provider's own frames; they are only metered.
  if (!state.native) kong.response.set_chunk(sseFrames(items));
  if (eof && !state.finished) {
    state.finished = true;
    finishStream(kong, state, pluginId);
  }
}

function finishStream(kong: Pdk, state: AiRequestState, pluginId: string): void {
  if (!analyticsEnabled(state)) return;
  const summary = state.translator!.summary();
  const usage = resolveUsage({ reported: summary.usage, request: state.request, completionChars: summary.completion_chars });
  const payload = state.collector === undefined ? undefined
    : JSON.stringify(syntheticStreamResponse(summary, state.collector.text, {
      prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens,
    }));
  recordAnalytics(kong, state, pluginId, {
    reported: summary.usage,
    completionChars: summary.completion_chars,
    responseModel: summary.model ?? state.model,
    responsePayload: payload,
    completed: summary.completed,
  });
}
