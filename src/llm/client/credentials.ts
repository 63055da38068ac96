// Cloud identities for the AI plugins (Kong creates them lazily per plugin config): a Vertex
// service-account token source and AWS credentials/region. This is the LLM layer's I/O edge —
// the drivers stay pure and receive the result as `UpstreamInput.credentials`.

import { request } from 'undici';
import type { LlmConf } from '../conf.ts';
import { createVertexTokenSource, serviceAccountJsonFor } from '../providers/gemini/vertex-token.ts';
import type { VertexTokenSource } from '../providers/gemini/vertex-token.ts';
import { awsFromEnv } from '../providers/bedrock/sigv4.ts';
import type { CloudCredentials } from '../providers/types.ts';

/** Kong's 500 body text when a cloud identity cannot be obtained. */
export const BEFORE_PROXYING_MESSAGE = 'LLM request failed before proxying';

export interface CredentialSource {
  /**
   * The credentials the driver needs; a promise only when they must be fetched (it rejects when
   * the identity cannot be obtained), so providers without a cloud identity cost no await.
   */
  get(): Promise<CloudCredentials | undefined> | CloudCredentials | undefined;
}

async function fetchToken(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await request(url, { method: 'POST', body, headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
  return { status: response.statusCode, body: await response.body.text() };
}

/**
 * One source per plugin config (call it from `prepare`): the Vertex token source is created on
 * first use and shared by every request of that config, so tokens are exchanged once per hour,
 * not per request. `env` is injectable for tests.
 */
export function createCredentialSource(conf: LlmConf, env: Readonly<Record<string, string | undefined>> = process.env): CredentialSource {
  const provider = conf.model.provider;
  if (provider === 'gemini') {
    const json = serviceAccountJsonFor(conf.auth, env);
    if (json === undefined) return { get: () => undefined };
    let source: VertexTokenSource | undefined;
    return {
      async get() {
        // A broken key fails this request (Kong: lazily, per request), not the config load.
        source ??= createVertexTokenSource({ serviceAccountJson: json, fetchToken });
        return { bearerToken: await source.getToken() };
      },
    };
  }
  if (provider === 'bedrock') {
    const fromEnv = awsFromEnv(env);
    const region = conf.model.options?.bedrock?.aws_region ?? fromEnv.region;
    const aws = fromEnv.credentials ? { ...fromEnv.credentials, region } : undefined;
    return { get: () => (aws ? { aws } : region ? { aws: { accessKeyId: '', secretAccessKey: '', region } } : undefined) };
  }
  return { get: () => undefined };
}
