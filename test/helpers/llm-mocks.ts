// Mock LLM provider servers on loopback for the AI plugin tests. Each mock checks the native
// request it receives (path, credential header or SigV4 signature, body shape) the way the real
// provider would — a wrong request gets the provider-style 4xx — and answers in the provider's
// own format, whole or streamed.
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { definePlugin, type AnyPluginDefinition } from '../../src/pdk/index.ts';
import { encodeBedrockEvent } from '../../src/llm/providers/bedrock/event-stream.ts';
import { startUpstream, type RecordedRequest, type Upstream } from './loopback-upstream.ts';

export interface MockProvider extends Upstream {
  /** Requests the mock accepted as well-formed (path, auth and body checked). */
  accepted: RecordedRequest[];
  /** Base URL for `model.options.upstream_url` (the operation path must be appended by the test). */
  url: string;
}

type Answer = (res: ServerResponse, body: Record<string, unknown>, req: IncomingMessage) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Set-Cookie': 'provider=1' });
  res.end(text);
}

/** Writes `frames` as separate writes (one per event) so the gateway sees a real stream. */
function stream(res: ServerResponse, contentType: string, frames: readonly (string | Buffer)[]): void {
  res.writeHead(200, { 'Content-Type': contentType });
  let index = 0;
  const next = (): void => {
    if (index === frames.length) { res.end(); return; }
    res.write(frames[index++]!);
    setImmediate(next);
  };
  next();
}

function parse(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

async function startMock(check: (req: IncomingMessage, body: Record<string, unknown> | undefined) => string | null, answer: Answer): Promise<MockProvider> {
  const accepted: RecordedRequest[] = [];
  const upstream = await startUpstream((req, res, raw) => {
    const body = parse(raw);
    const problem = check(req, body);
    if (problem !== null) { json(res, 400, { error: { message: problem, type: 'invalid_request_error' } }); return; }
    accepted.push({ method: req.method!, url: req.url!, httpVersion: req.httpVersion, headers: req.headers, rawHeaders: req.rawHeaders, body: raw });
    answer(res, body!, req);
  });
  return { ...upstream, accepted, url: `http://127.0.0.1:${upstream.port}` };
}

export const OPENAI_KEY = 'sk-test-portico';

function chatText(body: Record<string, unknown>): string {
  const messages = body.messages as { content?: unknown }[];
  const last = messages[messages.length - 1]?.content;
  return `echo: ${typeof last === 'string' ? last : JSON.stringify(last)}`;
}

/** OpenAI: /v1/chat/completions, /v1/completions, /v1/embeddings with `Authorization: Bearer`. */
export interface OpenAiMockOptions {
  failWith?: { status: number; body: unknown };
  badBody?: boolean;
  /** Azure: `api-key` header and a required `api-version` query argument. */
  azure?: { apiKey: string; apiVersion: string };
}

export function startOpenAiMock(options: OpenAiMockOptions = {}): Promise<MockProvider> {
  return startMock((req, body) => {
    const url = new URL(req.url!, 'http://mock');
    if (options.azure) {
      if (req.headers['api-key'] !== options.azure.apiKey) return 'Access denied due to invalid subscription key';
      if (url.searchParams.get('api-version') !== options.azure.apiVersion) return 'api-version query parameter is required';
    } else if (req.headers.authorization !== `Bearer ${OPENAI_KEY}`) {
      return 'Incorrect API key provided';
    }
    // Azure names the model by deployment; OpenAI needs it in the body.
    if (body === undefined || (!options.azure && typeof body.model !== 'string')) return "'model' is a required property";
    if (url.pathname.endsWith('/chat/completions') && !Array.isArray(body.messages)) return "'messages' is a required property";
    if (url.pathname.endsWith('/embeddings') && body.input === undefined) return "'input' is a required property";
    return null;
  }, (res, body, req) => {
    if (options.failWith) { json(res, options.failWith.status, options.failWith.body); return; }
    if (options.badBody) { json(res, 200, { unexpected: true }); return; }
    const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
    if (req.url!.includes('/embeddings')) {
      json(res, 200, { object: 'list', model: body.model, data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5, 1] }], usage: { prompt_tokens: 3, total_tokens: 3 } });
      return;
    }
    if (body.stream === true) {
      const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: `${body.model}-0613` };
      const frames = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: { content: 'The answer ' }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: { content: 'is 2.' }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      ].map((frame) => `data: ${JSON.stringify(frame)}\n\n`);
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      if (includeUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
      frames.push('data: [DONE]\n\n');
      stream(res, 'text/event-stream', frames);
      return;
    }
    json(res, 200, {
      id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: `${body.model}-0613`,
      choices: [{ index: 0, message: { role: 'assistant', content: chatText(body) }, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  });
}

export const ANTHROPIC_KEY = 'anthropic-test-key';

/** Anthropic Messages API: x-api-key + anthropic-version, `system` lifted out of `messages`. */
export function startAnthropicMock(): Promise<MockProvider> {
  return startMock((req, body) => {
    if (req.url !== '/v1/messages') return `unknown path ${req.url}`;
    if (req.headers['x-api-key'] !== ANTHROPIC_KEY) return 'invalid x-api-key';
    if (req.headers['anthropic-version'] !== '2023-06-01') return 'anthropic-version header is required';
    if (req.headers.authorization !== undefined) return 'unexpected Authorization header';
    if (body === undefined || !Array.isArray(body.messages)) return 'messages: field required';
    if ((body.messages as { role: string }[]).some((message) => message.role === 'system')) return 'messages: system role is not allowed';
    return null;
  }, (res, body) => {
    if (body.stream === true) {
      const events: [string, unknown][] = [
        ['message_start', { type: 'message_start', message: { id: 'msg_1', model: 'claude-test', usage: { input_tokens: 9, output_tokens: 1 } } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }],
        ['message_stop', { type: 'message_stop' }],
      ];
      stream(res, 'text/event-stream', events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      return;
    }
    json(res, 200, {
      id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test',
      content: [{ type: 'text', text: `system=${String(body.system)}` }],
      stop_reason: 'end_turn', usage: { input_tokens: 20, output_tokens: 5 },
    });
  });
}

export const AWS_TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * Re-derives the SigV4 signature from what arrived on the wire (method, path, query, the signed
 * headers and the exact body bytes) — a body changed after signing fails here as it would at AWS.
 */
export function verifySigV4(req: IncomingMessage, body: Buffer, secret: string, region: string, service: string): string | null {
  const auth = req.headers.authorization ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match) return 'missing or malformed SigV4 Authorization';
  const [, , day, signedRegion, signedService, signedHeaders, signature] = match as unknown as string[];
  if (signedRegion !== region || signedService !== service) return 'credential scope mismatch';
  const date = String(req.headers['x-amz-date'] ?? '');
  const url = new URL(req.url!, 'http://mock');
  const canonicalQuery = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort().join('&');
  const canonicalHeaders = signedHeaders!.split(';').map((name) => `${name}:${String(req.headers[name] ?? '').trim()}\n`).join('');
  // Every service but S3 signs the wire path encoded once more (`%3A` → `%253A`).
  const canonicalPath = url.pathname.split('/').map((segment) => encodeURIComponent(segment)).join('/');
  const canonical = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, createHash('sha256').update(body).digest('hex')].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day!), region), service), 'aws4_request');
  return hmac(key, toSign).toString('hex') === signature ? null : 'The request signature we calculated does not match the signature you provided';
}

/** Bedrock Converse: SigV4-signed POST /model/<id>/converse. */
export function startBedrockMock(): Promise<MockProvider> {
  let lastRaw = Buffer.alloc(0);
  const mock = startMock((req, body) => {
    if (!/^\/model\/[^/]+\/converse(-stream)?$/.test(req.url ?? '')) return `unknown path ${req.url}`;
    const problem = verifySigV4(req, lastRaw, AWS_TEST_CREDENTIALS.secretAccessKey, AWS_TEST_CREDENTIALS.region, 'bedrock');
    if (problem !== null) return problem;
    if (body === undefined || !Array.isArray(body.messages)) return 'messages is required';
    return null;
  }, (res, _body, req) => {
    if (req.url!.endsWith('/converse-stream')) {
      stream(res, 'application/vnd.amazon.eventstream', [
        encodeBedrockEvent('messageStart', { role: 'assistant' }),
        encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'streamed ' } }),
        encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'bedrock' } }),
        encodeBedrockEvent('messageStop', { stopReason: 'end_turn' }),
        encodeBedrockEvent('metadata', { usage: { inputTokens: 12, outputTokens: 2, totalTokens: 14 }, metrics: { latencyMs: 5 } }),
      ]);
      return;
    }
    json(res, 200, {
      output: { message: { role: 'assistant', content: [{ text: 'bedrock says hi' }] } },
      stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 }, metrics: { latencyMs: 10 },
    });
  });
  return mock.then((provider) => {
    // The raw body is needed before the check runs: capture it as the request arrives.
    provider.server.prependListener('request', (req: IncomingMessage) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => { lastRaw = Buffer.concat(chunks); });
    });
    return provider;
  });
}

export const GEMINI_KEY = 'gemini-test-key';
export const VERTEX_TOKEN = 'ya29.vertex-test-token';

/**
 * Gemini generateContent (API key in `x-goog-api-key`) and Vertex (Bearer token) on one server;
 * `/token` is a Google OAuth token endpoint that counts its exchanges (service-account JWTs).
 */
export async function startGeminiMock(): Promise<MockProvider & { tokenExchanges: () => number }> {
  let exchanges = 0;
  const mock = await startMock((req, body) => {
    if (req.url === '/token') return null;
    if (!/:generateContent(\?|$)/.test(req.url ?? '')) return `unknown path ${req.url}`;
    const vertex = req.url!.startsWith('/v1/projects/');
    const apiKey = req.headers['x-goog-api-key'] ?? new URL(req.url!, 'http://mock').searchParams.get('key');
    if (vertex ? req.headers.authorization !== `Bearer ${VERTEX_TOKEN}` : apiKey !== GEMINI_KEY) return 'API key not valid';
    if (body === undefined || !Array.isArray(body.contents)) return 'contents is required';
    return null;
  }, (res, body, req) => {
    if (req.url === '/token') {
      exchanges++;
      json(res, 200, { access_token: VERTEX_TOKEN, expires_in: 3600, token_type: 'Bearer' });
      return;
    }
    const contents = body.contents as { parts: { text?: string }[] }[];
    json(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text: `gemini: ${contents.at(-1)?.parts[0]?.text ?? ''}` }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 6, candidatesTokenCount: 3, totalTokenCount: 9 },
    });
  });
  return Object.assign(mock, { tokenExchanges: () => exchanges });
}

/**
 * A log-phase plugin (`capture-log`, enable it globally) keeping every serialized entry — what
 * http-log or prometheus would see, `ai.*` analytics included.
 */
export function createLogCapture(): { plugin: AnyPluginDefinition; entries: Record<string, any>[]; lastAi: () => Record<string, any> | undefined } {
  const entries: Record<string, any>[] = [];
  const plugin = definePlugin({
    name: 'capture-log', version: '1.0.0', priority: 1,
    schema: { config: { type: 'record', fields: {} } },
    log(kong) { entries.push(kong.log.serialize()); },
  });
  return { plugin, entries, lastAi: () => entries.at(-1)?.ai?.proxy };
}

/** Ollama /api/chat (mistral or llama2 with `*_format = ollama`): whole answers and NDJSON streams. */
export function startOllamaMock(): Promise<MockProvider> {
  return startMock((req, body) => {
    if (req.url !== '/api/chat') return `unknown path ${req.url}`;
    if (body === undefined || !Array.isArray(body.messages) || typeof body.model !== 'string') return 'model and messages are required';
    return null;
  }, (res, body) => {
    const frame = (content: string, done: boolean) => ({ model: body.model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content }, done });
    if (body.stream === true) {
      stream(res, 'application/x-ndjson', [
        `${JSON.stringify(frame('Hello', false))}\n`,
        `${JSON.stringify(frame(' llama', false))}\n`,
        `${JSON.stringify({ ...frame('', true), done_reason: 'stop', prompt_eval_count: 8, eval_count: 2 })}\n`,
      ]);
      return;
    }
    json(res, 200, { ...frame(chatText(body), true), done_reason: 'stop', prompt_eval_count: 8, eval_count: 3 });
  });
}

export const COHERE_KEY = 'cohere-test-key';

/** Cohere v1 chat: Bearer key, `message` + `chat_history`; whole answers and NDJSON event streams. */
export function startCohereMock(): Promise<MockProvider> {
  return startMock((req, body) => {
    if (req.url !== '/v1/chat') return `unknown path ${req.url}`;
    if (req.headers.authorization !== `Bearer ${COHERE_KEY}`) return 'invalid api token';
    if (body === undefined || typeof body.message !== 'string' || body.messages !== undefined) return 'message must be a string';
    return null;
  }, (res, body) => {
    const meta = { billed_units: { input_tokens: 7, output_tokens: 2 } };
    if (body.stream === true) {
      stream(res, 'application/stream+json', [
        `${JSON.stringify({ is_finished: false, event_type: 'stream-start', generation_id: 'gen-1' })}\n`,
        `${JSON.stringify({ is_finished: false, event_type: 'text-generation', text: 'co' })}\n`,
        `${JSON.stringify({ is_finished: false, event_type: 'text-generation', text: 'here' })}\n`,
        `${JSON.stringify({ is_finished: true, event_type: 'stream-end', finish_reason: 'COMPLETE', response: { meta } })}\n`,
      ]);
      return;
    }
    json(res, 200, { response_id: 'r1', generation_id: 'gen-1', text: `cohere: ${String(body.message)}`, finish_reason: 'COMPLETE', meta });
  });
}
