// ai-prompt-template (Kong 3.10, PRIORITY 773): a client sends `{template://name}` in `messages`
// or `prompt` plus string `properties`; the rendered template replaces the whole body
// (kong-ai.md §10). Errors are Kong's 400 `{"error":{"message":…}}`.
import { definePlugin, type Pdk } from '../../pdk/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import { errorBody } from '../../llm/protocols/openai.ts';
import { rewriteRequestBody } from '../../llm/request-body.ts';
import { renderTemplate, templateReference } from './render.ts';
import { aiPromptTemplateSchema } from './schema.ts';

interface PreparedTemplates {
  templates: ReadonlyMap<string, string>;
  allow_untemplated_requests: boolean;
  log_original_request: boolean;
  max_request_body_size: number;
}

/** Kong parses the body as JSON whatever the Content-Type says; over the size cap it is not read. */
function parseObject(raw: Buffer, maxSize: number): Record<string, unknown> | undefined {
  if (raw.length === 0 || raw.length > maxSize) return undefined;
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function reject(kong: Pdk, message: string): void {
  kong.response.exit(400, errorBody(message));
}

export const plugin = definePlugin({
  name: 'ai-prompt-template',
  version: KONG_VERSION,
  priority: 773,
  schema: aiPromptTemplateSchema,
  prepare(conf): PreparedTemplates {
    return {
      // First definition of a name wins, as Kong's linear search does.
      templates: new Map([...conf.templates].reverse().map((entry) => [entry.name, entry.template])),
      allow_untemplated_requests: conf.allow_untemplated_requests !== false,
      log_original_request: conf.log_original_request === true,
      max_request_body_size: conf.max_request_body_size ?? 8192,
    };
  },
  async access(kong, conf) {
    const raw = await kong.request.get_raw_body();
    const body = parseObject(raw, conf.max_request_body_size);
    if (body === undefined) return reject(kong, 'this LLM route only supports application/json requests');
    if (body.messages !== undefined && body.prompt !== undefined) return reject(kong, "cannot run 'messages' and 'prompt' templates at the same time");
    const field = body.messages !== undefined ? body.messages : body.prompt;
    if (field === undefined) return reject(kong, "only 'llm/v1/chat' and 'llm/v1/completions' formats are supported for templating");
    const name = templateReference(field);
    if (name === undefined) {
      if (conf.allow_untemplated_requests) return;
      return reject(kong, 'this LLM route only supports templated requests');
    }
    const template = conf.templates.get(name);
    if (template === undefined) return reject(kong, `could not find template name [${name}]`);
    const rendered = renderTemplate(template, body.properties);
    if (!rendered.ok) return reject(kong, rendered.message);
    if (conf.log_original_request) kong.log.set_serialize_value('ai.payload.original_request', raw.toString('utf8'));
    kong.service.request.set_raw_body(rendered.body);
    // The AI plugins after this one introspect the rendered body, not the client's.
    rewriteRequestBody(kong.ctx.shared, rendered.body);
  },
});
