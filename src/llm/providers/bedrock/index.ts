// The bedrock driver: Converse / ConverseStream on bedrock-runtime, SigV4-signed (Kong ignores
// header/param auth for bedrock), after kong/llm/drivers/bedrock.lua (kong-ai.md §4, §5.6).

import type { LlmConf } from '../../conf.ts';
import type { ChatRequest, EmbeddingsRequest } from '../../protocols/openai.ts';
import type { RouteType } from '../../protocols/route-types.ts';
import { errorTransformingTo, noTransformer } from '../../translation-errors.ts';
import { composeUpstream } from '../../upstream.ts';
import type { ProviderDriver, StreamFraming, Translation, UpstreamInput, UpstreamRequest } from '../types.ts';
import { fromBedrockEmbeddings, toBedrockEmbeddings } from './embeddings.ts';
import { bedrockNativeFormat } from './native.ts';
import { toBedrockChat } from './request.ts';
import { fromBedrockChat } from './response.ts';
import { signSigV4, type AwsCredentials } from './sigv4.ts';
import { BedrockStreamTranslator } from './stream.ts';

/** SigV4 signing name of bedrock-runtime (Kong's endpointPrefix). */
export const BEDROCK_SIGNING_SERVICE = 'bedrock';
const BEFORE_PROXYING = 'LLM request failed before proxying';

function operation(routeType: RouteType, stream: boolean): string {
  if (routeType === 'llm/v1/embeddings') return 'invoke';
  return stream ? 'converse-stream' : 'converse';
}

/** Static keys from the plugin config win; otherwise what the glue resolved (env / instance role). */
function resolveCredentials(input: UpstreamInput): AwsCredentials | undefined {
  const auth = input.conf.auth;
  if (auth?.aws_access_key_id && auth.aws_secret_access_key) {
    return { accessKeyId: auth.aws_access_key_id, secretAccessKey: auth.aws_secret_access_key };
  }
  const aws = input.credentials?.aws;
  return aws?.accessKeyId && aws.secretAccessKey ? aws : undefined;
}

function upstream(input: UpstreamInput): Translation<UpstreamRequest> {
  const region = input.conf.model.options?.bedrock?.aws_region ?? input.credentials?.aws?.region;
  const credentials = resolveCredentials(input);
  if (!region || !credentials) return { ok: false, message: BEFORE_PROXYING };
  // Model ids contain ':' (e.g. anthropic.claude-3-5-sonnet-20240620-v1:0): encoded in the path.
  const path = `/model/${encodeURIComponent(input.model ?? '')}/${operation(input.routeType, input.stream)}`;
  const request = composeUpstream(input, { base: `https://bedrock-runtime.${region}.amazonaws.com`, path, skipAuth: true });
  const signed = signSigV4(
    { method: request.method, url: request.url, body: input.body ?? '' },
    { credentials, region, service: BEDROCK_SIGNING_SERVICE, date: input.now },
  );
  for (const [name, value] of Object.entries(signed.headers)) request.headers[name.toLowerCase()] = value;
  // Client-sent AWS headers the signature does not cover must not reach AWS beside it.
  request.removeHeaders = credentials.sessionToken ? ['x-amz-content-sha256'] : ['x-amz-content-sha256', 'x-amz-security-token'];
  return { ok: true, value: request };
}

export const bedrockDriver: ProviderDriver = {
  name: 'bedrock',
  routeTypes: ['llm/v1/chat', 'llm/v1/embeddings'],
  bodyAuth: false,
  // Kong's post_request clears Set-Cookie from gemini and bedrock answers.
  clearResponseHeaders: ['set-cookie'],
  streamFraming: (_conf: LlmConf): StreamFraming => 'aws-eventstream',
  upstream,
  toNative(routeType, request, context) {
    let result;
    if (routeType === 'llm/v1/chat') result = toBedrockChat(request as ChatRequest, context);
    else if (routeType === 'llm/v1/embeddings') result = toBedrockEmbeddings(request as EmbeddingsRequest, context);
    else return noTransformer('bedrock', routeType);
    // Kong's bedrock driver appends the detail to "error transforming to bedrock://<route>".
    return result.ok ? result : errorTransformingTo('bedrock', routeType, result.message);
  },
  fromNative(routeType, body, context) {
    if (routeType === 'llm/v1/chat') return fromBedrockChat(body, context);
    if (routeType === 'llm/v1/embeddings') return fromBedrockEmbeddings(body, context);
    return { ok: false, message: `no transformer available from format bedrock://${routeType}` };
  },
  createStreamTranslator(routeType, context) {
    return routeType === 'llm/v1/chat' ? new BedrockStreamTranslator(context) : undefined;
  },
  nativeFormat: bedrockNativeFormat,
};
