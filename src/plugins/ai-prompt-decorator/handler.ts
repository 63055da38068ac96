// ai-prompt-decorator (Kong 3.10, PRIORITY 772): wraps the client's chat messages with the
// configured prepend/append messages (kong-ai.md §11) and publishes the new body as the one in
// use, so ai-prompt-guard and ai-proxy see the decorated conversation.
import { definePlugin } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import { errorBody } from '../../llm/protocols/openai.ts';
import { loadRequestBody, rewriteRequestBody } from '../../llm/request-body.ts';
import { aiPromptDecoratorSchema } from './schema.ts';

interface Message { role: string; content: string }

interface PreparedDecorator {
  prepend: readonly Message[];
  append: readonly Message[];
  max_request_body_size: number;
}

/** Only role and content are copied, as Kong's decorator does. */
function messages(list: readonly { role?: string | null; content: string }[] | null | undefined): Message[] {
  return (list ?? []).map((entry) => ({ role: entry.role ?? 'system', content: entry.content }));
}

export const plugin = definePlugin({
  name: 'ai-prompt-decorator',
  version: KONG_VERSION,
  priority: 772,
  schema: aiPromptDecoratorSchema,
  prepare(conf): PreparedDecorator {
    return {
      prepend: messages(conf.prompts?.prepend),
      append: messages(conf.prompts?.append),
      max_request_body_size: conf.max_request_body_size ?? 8192,
    };
  },
  async access(kong, conf) {
    const body = await loadRequestBody(kong.ctx.shared, kong.request, kong.request.get_header('content-type'), conf.max_request_body_size);
    const original = body.messages;
    if (!Array.isArray(original) || original.length === 0) {
      return kong.response.exit(400, errorBody('this LLM route only supports llm/chat type requests'));
    }
    const decorated = { ...body, messages: [...conf.prepend, ...original, ...conf.append] };
    const raw = JSON.stringify(decorated);
    rewriteRequestBody(kong.ctx.shared, raw, decorated);
    kong.service.request.set_raw_body(raw);
    kong.service.request.set_header('Content-Type', 'application/json');
  },
});
