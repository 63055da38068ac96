// The provider driver contract. Each provider folder exports one ProviderDriver made of PURE
// functions (no I/O, no clock unless passed in): the ai-proxy plugin is the only glue that turns
// them into HTTP. Hub and spoke: everything converts to/from the canonical OpenAI shapes.

import type { LlmConf } from '../conf.ts';
import type {
  CanonicalChunk,
  CanonicalRequest,
  ChatRequest,
  CanonicalResponse,
  Usage,
} from '../protocols/openai.ts';
import type { RouteType } from '../protocols/route-types.ts';

/** How the provider frames a streamed answer (selects the byte-level splitter). */
export type StreamFraming = 'sse' | 'ndjson' | 'aws-eventstream' | 'json-array';

/** Header values as Node exposes them (lower-cased names). */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** Cloud credentials obtained asynchronously by the glue before calling `upstream` (Kong creates them lazily per config). */
export interface CloudCredentials {
  /** OAuth2 access token for Vertex (service account) or Azure Entra ID (managed identity / client secret). */
  bearerToken?: string;
  aws?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; region?: string };
}

export interface UpstreamInput {
  conf: LlmConf;
  routeType: RouteType;
  /** The effective model name (conf wins over the request, see validate.ts). */
  model: string | undefined;
  stream: boolean;
  /** The client's method; only `preserve` forwards it, translated routes always POST. */
  clientMethod: string;
  /** The client's full request path (Kong's `kong.request.get_path()`), used by `preserve`. */
  clientPath: string;
  /** The client's raw query string without '?', '' when none. */
  clientQuery: string;
  /** The client's request headers (for `auth.allow_override` and similar). */
  clientHeaders: HeaderBag;
  /** The exact body bytes that will be sent (SigV4 signs them). */
  body?: string | Uint8Array;
  credentials?: CloudCredentials;
  /** Injected clock (SigV4 dates), defaults to now. */
  now?: Date;
}

export interface UpstreamRequest {
  /** Absolute URL incl. query string (auth query params already applied). */
  url: string;
  method: string;
  /** Headers to set on the upstream request (overriding the client's). */
  headers: Record<string, string>;
  /** Client headers to drop before proxying (e.g. a client Authorization that must not leak). */
  removeHeaders?: string[];
}

/** Result of a translation: the translated value, or Kong's error message for the client. */
export type Translation<T> = { ok: true; value: T } | { ok: false; message: string };

export interface TranslateContext {
  conf: LlmConf;
  /** The effective model name. */
  model: string | undefined;
  /** The client's canonical request (after validation), e.g. to honour its `stream_options`. */
  request?: CanonicalRequest;
}

/** What a stream translator saw, for analytics (bounded: counts, not text). */
export interface StreamSummary {
  id?: string;
  model?: string;
  finish_reason?: string | null;
  /** Usage as reported by the provider; null when it reported none (then estimate). */
  usage: Usage | null;
  /** Characters of generated text seen, for the `ceil(chars / 4)` estimate when usage is null. */
  completion_chars: number;
  /** True once the provider signalled the end of the answer (its terminator was seen). */
  completed: boolean;
  /** Message of a provider error reported mid-stream, if any. */
  error?: string;
}

/** The canonical terminator item; the SSE writer renders it as `data: [DONE]`. */
export const STREAM_DONE = '[DONE]';

/** A provider error reported mid-stream, sent to the client as OpenAI does: `data: {"error":{...}}`. */
export interface StreamErrorItem {
  error: { message: string; type?: string; [key: string]: unknown };
}

export type StreamItem = CanonicalChunk | StreamErrorItem | typeof STREAM_DONE;

export function isStreamError(item: StreamItem): item is StreamErrorItem {
  return typeof item === 'object' && !('choices' in item) && typeof (item as StreamErrorItem).error === 'object';
}

/**
 * Converts a provider's streamed body to canonical chunks as bytes arrive. Memory is bounded by
 * the longest single frame (the framing parsers cap it), never by the whole answer.
 */
export interface StreamTranslator {
  /** Feed raw upstream bytes (any split); returns the canonical items completed by them. */
  push(chunk: Uint8Array | string): StreamItem[];
  /** Upstream finished: flush a trailing frame. Emits STREAM_DONE if the provider never sent one. */
  end(): StreamItem[];
  summary(): StreamSummary;
}

/** A client body in the provider's own wire format (ai-proxy `llm_format`, kong-ai.md §7). */
export interface NativeRequestInfo {
  /** OpenAI-shaped copy for introspection only (guards, decorators, analytics); the native body goes upstream. */
  request: ChatRequest;
  /** From the named URI captures `model`/`operation`, else the provider's path pattern. */
  model?: string;
  stream: boolean;
}

/** Kong's llm/adapters/<provider>.lua: read a native request; native answers are metered with fromNative / a stream translator. */
export interface NativeFormatAdapter {
  toCanonical(body: unknown, path: string, captures?: Readonly<Record<string, string>>): NativeRequestInfo;
  /** The model the provider says answered (Gemini `modelVersion`); undefined when it reports none. */
  responseModel(body: unknown): string | undefined;
}

export interface ProviderDriver {
  /** Kong's `model.provider` value. */
  readonly name: string;
  /** Route types this provider can translate (preserve is always allowed). */
  readonly routeTypes: readonly RouteType[];
  /** Whether `auth.param_location = body` reaches the wire (Kong: only drivers that keep the request table). */
  readonly bodyAuth: boolean;
  /** Upstream response headers the glue removes before answering (Kong: Set-Cookie for openai, azure, mistral, gemini, bedrock). */
  readonly clearResponseHeaders?: readonly string[];
  streamFraming(conf: LlmConf): StreamFraming;
  /** Target URL, method and auth headers (Kong's `configure_request`). */
  upstream(input: UpstreamInput): Translation<UpstreamRequest>;
  /** Canonical → native request body (Kong's `to_format`). */
  toNative(routeType: RouteType, request: CanonicalRequest, context: TranslateContext): Translation<unknown>;
  /** Native 200 body → canonical response (Kong's `from_format`); failure text is the reason only. */
  fromNative(routeType: RouteType, body: unknown, context: TranslateContext): Translation<CanonicalResponse>;
  /** Undefined when the provider cannot stream this route type. */
  createStreamTranslator(routeType: RouteType, context: TranslateContext): StreamTranslator | undefined;
  /** Present for providers whose native format clients may speak (`llm_format` gemini / bedrock). */
  readonly nativeFormat?: NativeFormatAdapter;
}
