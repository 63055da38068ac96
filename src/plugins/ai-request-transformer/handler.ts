// ai-request-transformer (Kong 3.10, PRIORITY 777, before every other AI plugin): the client body
// goes to an LLM with the configured instruction and the LLM's answer replaces the upstream
// request body verbatim (kong-ai.md §13). LLM failures are Kong's 400s.
import { definePlugin } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import type { Plugin } from '../../entities/types.ts';
import { errorBody } from '../../llm/protocols/openai.ts';
import { rewriteRequestBody } from '../../llm/request-body.ts';
import { prepareTransformer, transformWithLlm, type PreparedTransformer, type TransformerConf } from '../../llm/client/transformer.ts';
import { aiRequestTransformerSchema } from './schema.ts';

const NAME = 'ai-request-transformer';

export const plugin = definePlugin({
  name: NAME,
  version: KONG_VERSION,
  priority: 777,
  schema: aiRequestTransformerSchema,
  prepare: (conf, _kong, row?: Plugin): PreparedTransformer => prepareTransformer(conf as unknown as TransformerConf, row?.id ?? ''),
  async access(kong, prepared) {
    const raw = await kong.request.get_raw_body();
    const max = prepared.conf.max_request_body_size ?? 8192;
    if (raw.length > max) return kong.response.exit(400, errorBody('failed to read request body: request body too large'));
    const result = await transformWithLlm(prepared, NAME, raw.toString('utf8'), (key, value) => kong.log.set_serialize_value(key, value));
    if (!result.ok) return kong.response.exit(result.status, result.json ? errorBody(result.message) : result.message);
    kong.service.request.set_raw_body(result.text);
    // The AI plugins after this one introspect the transformed body.
    rewriteRequestBody(kong.ctx.shared, result.text);
  },
});
