// What ai-proxy remembers about one request between access and log (kong.ctx.plugin).
import type { LlmConf } from '../../llm/conf.ts';
import type { CanonicalRequest } from '../../llm/protocols/openai.ts';
import type { RouteType } from '../../llm/protocols/route-types.ts';
import type { StreamTextCollector } from '../../llm/streaming/collector.ts';
import type { ProviderDriver, StreamTranslator } from '../../llm/providers/types.ts';

export interface AiRequestState {
  /** The per-request conf (templated model options resolved). */
  conf: LlmConf;
  driver: ProviderDriver;
  routeType: RouteType;
  model: string | undefined;
  stream: boolean;
  /** The validated canonical request (for usage estimates and stream options). */
  request: CanonicalRequest | undefined;
  /** Client speaks the provider's native format (llm_format): nothing is translated. */
  native: boolean;
  /** Milliseconds when the body was parsed (Kong starts the LLM latency clock there). */
  startedAt: number;
  /** Milliseconds to the upstream's response headers (Kong's llm_latency). */
  latency?: number;
  /** The body sent upstream when log_payloads is on (decoded only when logged). */
  requestPayload: string | Buffer | undefined;
  /** Non-streaming: the body to send instead of the upstream's (translated or Kong's 500). */
  replacement?: Buffer;
  /** Streaming: the translator for a 200 stream of a supported content type. */
  translator?: StreamTranslator;
  /** Streaming: the upstream's content type cannot be parsed (Kong's error frame). */
  unsupportedStream?: boolean;
  unsupportedSent?: boolean;
  collector?: StreamTextCollector;
  /** Streaming analytics were recorded (eof seen). */
  finished?: boolean;
}

export const STATE_KEY = 'ai_proxy_state';

export function stateOf(plugin: Record<string, unknown>): AiRequestState | undefined {
  return plugin[STATE_KEY] as AiRequestState | undefined;
}
