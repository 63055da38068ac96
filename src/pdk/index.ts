// Public API of the PDK: what plugins see (the `kong` object), how plugins are declared, and
// the per-request context the proxy fills.
export { definePlugin } from './define-plugin.ts';
export type { AnyPluginDefinition, ConfOf, PhaseHandler, PluginDefinition, PluginSchema } from './define-plugin.ts';
export { PluginRequestContext, UpstreamRequestChanges, PHASES } from './context.ts';
export type {
  ClientView, Credential, ExitResponse, HeaderValue, PhaseName, RequestContextInit, RequestHeaders, RequestView,
  ServiceResponseView,
} from './context.ts';
export { ResponseHeaders, withoutOverlay } from './headers.ts';
export type { HeaderUndo, ResponseHeaderValue } from './headers.ts';
export { NodeCache } from './cache.ts';
export type { CacheOptions, NodeCacheOptions } from './cache.ts';
export { createNodePdk, createRequestPdk, pdkForPlugin } from './pdk.ts';
export type { NodeApi, NodePdk, Pdk, PdkCtx, PdkEnvironment, RouterApi, WithCamelAliases } from './pdk.ts';
export { PluginLog, createPluginLog } from './log.ts';
export type { ConsumerLoader } from './client.ts';
export { decodeBody, parseForm } from './body.ts';
export type { BodyResult, FormValue, ParsedBody } from './body.ts';
export { parseQuery, headerKey } from './request.ts';
export { errorFormatFor, renderError, defaultErrorMessage, grpcStatusFor, ERROR_CONTENT_TYPES } from './error-body.ts';
export type { ErrorFormat } from './error-body.ts';
export { fromKongPdkModule, isKongPdkModule } from './kong-pdk-adapter.ts';
export type { KongPdkModule } from './kong-pdk-adapter.ts';
export { CONSUMER_HEADERS, authenticateAnonymous, cachedConsumer, constantTimeEqual, foreignId, loadConsumerCached, setAuthenticatedConsumer } from './consumer-auth.ts';
export { UNAVAILABLE_DB, currentStoreDb } from './db.ts';
export { LogQueue, queueSchema } from './log-queue.ts';
export { sendDatagram } from './datagram.ts';
export { extractTraceContext, injectionHeaders, propagate, propagationSchema } from './propagation.ts';
export type { PropagationConf, TraceContext } from './propagation.ts';
export { applyCustomFields, customFieldsSchema, renderTemplate, setSerializeValue } from './log-fields.ts';
export type { LogQueueOptions, QueueParameters } from './log-queue.ts';
export type { DbRow, PdkDb } from './db.ts';
export { InProcessCounters, PROCESS_COUNTERS } from './shared-counters.ts';
export type { AcquireResult, CounterSlot, SharedCounters } from './shared-counters.ts';
export type { PluginApiReply, PluginApiRequest, PluginApiRoute } from './plugin-api.ts';
export { InProcessDictionaries, PROCESS_DICTIONARIES } from './shared-dict.ts';
export type { SharedDictionaries } from './shared-dict.ts';
