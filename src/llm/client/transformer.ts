// What ai-request-transformer and ai-response-transformer share: the per-config preparation
// (credentials, transport, extract regex) and one "ask the LLM, log, extract" step with
// Kong's analytics under `ai.<plugin-name>` (kong-ai.md §8.2, §13).

import type { Dispatcher } from 'undici';
import { compileSafeRegex, type SafeRegex } from '../../core/regex.ts';
import type { LlmConf } from '../conf.ts';
import { buildAnalyticsRecord, completionCharacters, resolveUsage } from '../usage.ts';
import { createCredentialSource, type CredentialSource } from './credentials.ts';
import { createTransport, introspectWithLlm, type TransportOptions } from './introspect.ts';

export interface TransformerConf extends TransportOptions {
  prompt: string;
  transformation_extract_pattern?: string | null;
  max_request_body_size?: number | null;
  llm: LlmConf;
}

export interface PreparedTransformer {
  conf: TransformerConf;
  pluginId: string;
  credentials: CredentialSource;
  transport: { http: Dispatcher; https: Dispatcher };
  extract: SafeRegex | undefined;
}

export function prepareTransformer(conf: TransformerConf, pluginId: string): PreparedTransformer {
  const pattern = conf.transformation_extract_pattern;
  return {
    conf,
    pluginId,
    credentials: createCredentialSource(conf.llm),
    transport: createTransport(conf),
    // Kong matches with the "ijm" flags; the linear-time engine gives the case-insensitive part.
    extract: pattern ? compileSafeRegex(pattern, { caseInsensitive: true }) : undefined,
  };
}

export type TransformResult = { ok: true; text: string } | { ok: false; status: number; message: string; json: boolean };

/**
 * Sends `body` to the LLM with the configured instruction; records analytics with `log`
 * (kong.log.set_serialize_value) and applies transformation_extract_pattern.
 */
export async function transformWithLlm(
  prepared: PreparedTransformer, pluginName: string, body: string, log: (key: string, value: unknown) => void,
): Promise<TransformResult> {
  const conf = prepared.conf;
  const result = await introspectWithLlm(conf.llm, prepared.credentials, prepared.transport, conf.http_timeout ?? 60000, conf.prompt, body);
  if (!result.ok) return result;
  const reported = (result.response as { usage?: Record<string, unknown> }).usage;
  const record = buildAnalyticsRecord({
    conf: conf.llm,
    pluginId: prepared.pluginId,
    requestModel: conf.llm.model.name ?? undefined,
    responseModel: typeof result.response.model === 'string' ? result.response.model : undefined,
    latencyMs: result.latencyMs,
    usage: resolveUsage({ reported, completionChars: completionCharacters(result.response) }),
    requestPayload: body,
    responsePayload: JSON.stringify(result.response),
    transformer: true,
  });
  if (record !== undefined) log(`ai.${pluginName}`, record);
  if (prepared.extract === undefined) return { ok: true, text: result.content };
  const match = prepared.extract.exec(result.content, false);
  if (match === null) return { ok: false, status: 400, message: 'AI response did not match specified regular expression', json: true };
  return { ok: true, text: match.match };
}
