// The AI transformer plugins' LLM call (Kong's kong/llm/init.lua ai_introspect_body): the
// configured instruction as the system message, the body as the user message, translated by the
// same provider driver as ai-proxy, sent over undici with the plugin's timeout, proxy and TLS
// settings, translated back. Failures carry Kong's client-facing status and message.

import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { LlmConf } from '../conf.ts';
import type { ChatRequest, CanonicalResponse } from '../protocols/openai.ts';
import { getProvider } from '../providers/index.ts';
import { applyBodyAuth } from '../upstream.ts';
import { applyModelOptions } from '../validate.ts';
import { BEFORE_PROXYING_MESSAGE, type CredentialSource } from './credentials.ts';

export interface TransportOptions {
  http_timeout: number;
  https_verify: boolean;
  http_proxy_host?: string | null;
  http_proxy_port?: number | null;
  https_proxy_host?: string | null;
  https_proxy_port?: number | null;
}

export type IntrospectResult =
  | { ok: true; content: string; response: CanonicalResponse; latencyMs: number; requestPayload: string }
  /** `json: false` = Kong's plain-text body (cloud identity failures). */
  | { ok: false; status: number; message: string; json: boolean };

/** One dispatcher per plugin config (prepare time): pooled connections, the config's TLS/proxy choice. */
export function createTransport(options: TransportOptions): { http: Dispatcher; https: Dispatcher } {
  const connect = { rejectUnauthorized: options.https_verify !== false, timeout: options.http_timeout };
  const viaProxy = (host: string | null | undefined, port: number | null | undefined): Dispatcher | undefined =>
    host ? new ProxyAgent({ uri: `http://${host}:${port ?? 80}`, requestTls: { rejectUnauthorized: options.https_verify !== false } }) : undefined;
  const direct = new Agent({ connect });
  return {
    http: viaProxy(options.http_proxy_host, options.http_proxy_port) ?? direct,
    https: viaProxy(options.https_proxy_host, options.https_proxy_port) ?? direct,
  };
}

function fail(message: string, status = 400, json = true): IntrospectResult {
  return { ok: false, status, message, json };
}

/** Bedrock models without system-role support get Kong's three-turn form instead. */
const NO_SYSTEM_ROLE = /titan|cohere\.command-(light-)?text|mistral-7b-instruct|mixtral-8x7b-instruct/;

function buildRequest(conf: LlmConf, instruction: string, body: string): ChatRequest {
  const messages = conf.model.provider === 'bedrock' && NO_SYSTEM_ROLE.test(conf.model.name ?? '')
    ? [{ role: 'user' as const, content: instruction }, { role: 'assistant' as const, content: 'What is the message?' }, { role: 'user' as const, content: body }]
    : [{ role: 'system' as const, content: instruction }, { role: 'user' as const, content: body }];
  const chat: ChatRequest = { messages, stream: false };
  applyModelOptions(chat as Record<string, unknown>, conf);
  return chat;
}

export async function introspectWithLlm(
  conf: LlmConf, credentials: CredentialSource, transport: { http: Dispatcher; https: Dispatcher }, timeoutMs: number,
  instruction: string, body: string,
): Promise<IntrospectResult> {
  const driver = getProvider(conf.model.provider);
  if (driver === undefined) return fail(`could not instantiate kong.llm.drivers.${conf.model.provider} package`, 500);
  const model = conf.model.name ?? undefined;
  const chat = buildRequest(conf, instruction, body);
  const native = driver.toNative('llm/v1/chat', chat, { conf, model, request: chat });
  if (!native.ok) return fail(native.message);
  if (driver.bodyAuth && typeof native.value === 'object' && native.value !== null) applyBodyAuth(conf, native.value as Record<string, unknown>);
  const payload = JSON.stringify(native.value);
  let cloud;
  try {
    cloud = await credentials.get();
  } catch {
    return fail(BEFORE_PROXYING_MESSAGE, 500, false);
  }
  const target = driver.upstream({
    conf, routeType: 'llm/v1/chat', model, stream: false, clientMethod: 'POST', clientPath: '/', clientQuery: '', clientHeaders: {}, body: payload, credentials: cloud,
  });
  if (!target.ok) return fail(target.message, 500, false);
  const started = performance.now();
  let status: number;
  let text: string;
  try {
    const response = await request(target.value.url, {
      method: target.value.method as Dispatcher.HttpMethod,
      headers: target.value.headers,
      body: payload,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      dispatcher: target.value.url.startsWith('https:') ? transport.https : transport.http,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    return fail(`failed to introspect request with AI service: ${(error as Error).message}`);
  }
  const latencyMs = performance.now() - started;
  if (status !== 200) return fail(`failed to introspect request with AI service: status code ${status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`failed to convert AI response to JSON: ${(error as Error).message}`);
  }
  const translated = driver.fromNative('llm/v1/chat', parsed, { conf, model, request: chat });
  if (!translated.ok) return fail(`failed to convert AI response to Kong format: ${translated.message}`);
  const choices = (translated.value as { choices?: { message?: { content?: unknown } }[] }).choices;
  if (!Array.isArray(choices) || choices.length === 0) return fail("no 'choices' in upstream AI service response");
  const content = choices[0]?.message?.content;
  return { ok: true, content: typeof content === 'string' ? content : '', response: translated.value, latencyMs, requestPayload: payload };
}
