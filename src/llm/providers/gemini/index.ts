// The gemini driver: Gemini API (generativelanguage.googleapis.com, API key by header or
// `key` query param) and Vertex AI (`model.options.gemini.*`, service-account bearer token),
// after kong/llm/drivers/gemini.lua (kong-ai.md §4, §5.5).

import type { LlmConf } from '../../conf.ts';
import type { ChatRequest, EmbeddingsRequest } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { errorTransformingTo, noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming, Translation, UpstreamInput, UpstreamRequest } from '../types.ts';
import { geminiNativeFormat } from './native.ts';
import { isVertexMode, toGeminiChat, toGeminiEmbeddings } from './request.ts';
import { fromGeminiChat, fromGeminiEmbeddings } from './response.ts';
import { GeminiStreamTranslator } from './stream.ts';

export const GEMINI_API_BASE = 'https://generativelanguage.googleapis.com';

function operation(routeType: RouteType, stream: boolean): string {
  if (routeType === 'llm/v1/embeddings') return 'batchEmbedContents';
  return stream ? 'streamGenerateContent' : 'generateContent';
}

function upstream(input: UpstreamInput): Translation<UpstreamRequest> {
  const { conf } = input;
  const model = encodeURIComponent(input.model ?? '');
  const op = operation(input.routeType, input.stream);
  const vertex = isVertexMode(conf);
  let base = GEMINI_API_BASE;
  let path = `/v1beta/models/${model}:${op}`;
  if (vertex) {
    const gemini = conf.model.options!.gemini!;
    base = `https://${gemini.api_endpoint}`;
    // Vertex serves embeddings through the publisher model's generic :predict.
    const vertexOp = input.routeType === 'llm/v1/embeddings' ? 'predict' : op;
    path = `/v1/projects/${gemini.project_id}/locations/${gemini.location_id}/publishers/google/models/${model}:${vertexOp}`;
  }
  const request = composeUpstream(input, { base, path });
  // Kong forces identity: gzip breaks Gemini's streamed JSON array.
  request.headers['accept-encoding'] = 'identity';
  if (conf.auth?.gcp_use_service_account) {
    const token = input.credentials?.bearerToken;
    if (!token) return { ok: false, message: 'LLM request failed before proxying' };
    request.headers.authorization = `Bearer ${token}`;
  }
  return { ok: true, value: request };
}

function streamFraming(conf: LlmConf): StreamFraming {
  return conf.model.options?.upstream_url?.includes('alt=sse') ? 'sse' : 'json-array';
}

export const geminiDriver: ProviderDriver = {
  name: 'gemini',
  routeTypes: ['llm/v1/chat', 'llm/v1/embeddings'],
  bodyAuth: false,
  // Kong's post_request clears Set-Cookie from gemini and bedrock answers.
  clearResponseHeaders: ['set-cookie'],
  streamFraming,
  upstream,
  toNative(routeType, request, context) {
    let result;
    if (routeType === 'llm/v1/chat') result = toGeminiChat(request as ChatRequest, context);
    else if (routeType === 'llm/v1/embeddings') result = toGeminiEmbeddings(request as EmbeddingsRequest, context);
    else return noTransformer('gemini', routeType);
    // Kong's gemini driver appends the detail to "error transforming to gemini://<route>".
    return result.ok ? result : errorTransformingTo('gemini', routeType, result.message);
  },
  fromNative(routeType, body, context) {
    if (routeType === 'llm/v1/chat') return fromGeminiChat(body, context);
    if (routeType === 'llm/v1/embeddings') return fromGeminiEmbeddings(body, context);
    return { ok: false, message: `no transformer available from format gemini://${routeType}` };
  },
  createStreamTranslator(routeType, context) {
    return routeType === 'llm/v1/chat' ? new GeminiStreamTranslator(context) : undefined;
  },
  nativeFormat: geminiNativeFormat,
};
