// ai-prompt-guard (Kong 3.10, PRIORITY 771): allow/deny regexes over the user's messages (or all
// roles). Patterns are compiled once per config on the linear-time engine; every rejection is
// Kong's deliberately opaque 400 `{"error":{"message":"bad request"}}` (kong-ai.md §12).
import { definePlugin } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import { compileSafeRegex, type SafeRegex } from '../../core/regex.ts';
import { errorBody } from '../../llm/protocols/openai.ts';
import { introspectionView, loadRequestBody } from '../../llm/request-body.ts';
import { guardVerdict, inspectedText, type GuardOptions } from './inspect.ts';
import { aiPromptGuardSchema } from './schema.ts';

interface PreparedGuard extends GuardOptions {
  /** A pattern that could not be compiled (a row that bypassed validation): Kong answers an empty 500. */
  broken: boolean;
  maxRequestBodySize: number;
  llmFormat: string;
}

function compileAll(patterns: readonly string[] | null | undefined): SafeRegex[] {
  return (patterns ?? []).map((pattern) => compileSafeRegex(pattern));
}

export const plugin = definePlugin({
  name: 'ai-prompt-guard',
  version: KONG_VERSION,
  priority: 771,
  schema: aiPromptGuardSchema,
  prepare(conf, kong): PreparedGuard {
    const options = {
      allowAllConversationHistory: conf.allow_all_conversation_history === true,
      matchAllRoles: conf.match_all_roles === true,
      maxRequestBodySize: conf.max_request_body_size ?? 8192,
      llmFormat: conf.llm_format ?? 'openai',
    };
    try {
      return { ...options, allow: compileAll(conf.allow_patterns), deny: compileAll(conf.deny_patterns), broken: false };
    } catch (error) {
      kong.log.err('failed to compile a prompt guard pattern: ', error);
      return { ...options, allow: [], deny: [], broken: true };
    }
  },
  async access(kong, conf) {
    if (conf.broken) return kong.response.exit(500);
    const body = await loadRequestBody(kong.ctx.shared, kong.request, kong.request.get_header('content-type'), conf.maxRequestBodySize);
    const view = introspectionView(body, conf.llmFormat, kong.request.get_path(), kong.request.get_uri_captures().named);
    const text = inspectedText(view, conf);
    const reason = text.ok ? guardVerdict(text.text, conf) : text.reason;
    if (reason === null) return;
    kong.log.debug('request rejected: ', reason);
    return kong.response.exit(400, errorBody('bad request'));
  },
});
