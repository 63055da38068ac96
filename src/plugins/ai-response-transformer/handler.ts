// ai-response-transformer (Kong 3.10, PRIORITY 768): in access, Portico calls the upstream
// itself, sends its answer to an LLM with the configured instruction and short-circuits with the
// LLM's text — or, with parse_llm_response_json_instructions, with the status/headers/body the
// LLM returned as JSON (kong-ai.md §13). The normal proxy step never happens.
import { definePlugin } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { errorBody } from '../../llm/protocols/openai.ts';
import { AI_RESPONSE_SENT_KEY } from '../../llm/request-body.ts';
import { prepareTransformer, transformWithLlm, type PreparedTransformer, type TransformerConf } from '../../llm/client/transformer.ts';
import { aiResponseTransformerSchema } from './schema.ts';
import { callUpstream } from './upstream-call.ts';
import { applyInstructions } from './instructions.ts';

const NAME = 'ai-response-transformer';

interface PreparedResponseTransformer extends PreparedTransformer {
  parseInstructions: boolean;
}

export const plugin = definePlugin({
  name: NAME,
  version: KONG_VERSION,
  priority: 768,
  schema: aiResponseTransformerSchema,
  prepare: (conf, _kong, row?: Plugin): PreparedResponseTransformer => ({
    ...prepareTransformer(conf as unknown as TransformerConf, row?.id ?? ''),
    parseInstructions: conf.parse_llm_response_json_instructions === true,
  }),
  async access(kong, prepared) {
    let reply;
    try {
      reply = await callUpstream(kong, prepared.conf.http_timeout ?? 60000, prepared.transport.http);
    } catch (error) {
      return kong.response.exit(500, errorBody(`failed to connect to upstream: ${(error as Error).message}`));
    }
    const result = await transformWithLlm(prepared, NAME, reply.body.toString('utf8'), (key, value) => kong.log.set_serialize_value(key, value));
    if (!result.ok) return kong.response.exit(result.status, result.json ? errorBody(result.message) : result.message);
    kong.ctx.shared[AI_RESPONSE_SENT_KEY] = true;
    if (!prepared.parseInstructions) return kong.response.exit(reply.status, result.text, flatHeaders(reply.headers));
    const instructed = applyInstructions(result.text, reply.headers);
    if (!instructed.ok) return kong.response.exit(500, errorBody(instructed.message));
    return kong.response.exit(instructed.status, instructed.body, flatHeaders(instructed.headers));
  },
});

function flatHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (name !== 'date' && name !== 'server') out[name] = value;
  return out;
}
