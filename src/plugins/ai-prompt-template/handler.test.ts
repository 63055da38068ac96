import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { plugin } from './handler.ts';
import { escapeJsonString, renderTemplate } from './render.ts';

const route = { id: 'r1' } as never;
const service = { id: 's1' } as never;
const templates = [
  { name: 'developer-chat', template: '{"messages":[{"role":"user","content":"Explain {{program}} in {{language}}"}]}' },
  { name: 'summary', template: '{"prompt":"Summarise {{text}}"}' },
];

async function run(body: string, config: Record<string, unknown> = {}) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('ai-prompt-template', { templates, allow_untemplated_requests: true, ...config })] });
  return harness.request({ route, service, method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('ai-prompt-template', () => {
  it('renders the referenced template into the upstream body with JSON-escaped properties', async () => {
    const result = await run(JSON.stringify({ messages: '{template://developer-chat}', properties: { program: 'a "flask" app/server', language: 'python' } }));
    assert.equal(result.proxied, true);
    const sent = JSON.parse(result.ctx.upstream.body!.toString());
    assert.equal(sent.messages[0].content, 'Explain a "flask" app/server in python');
    assert.match(result.ctx.upstream.body!.toString(), /app\\\/server/);
  });

  it('lets a prompt field reference a chat template and drops other client fields', async () => {
    const result = await run(JSON.stringify({ prompt: '{template://summary}', properties: { text: 'x' }, temperature: 2 }));
    assert.deepEqual(JSON.parse(result.ctx.upstream.body!.toString()), { prompt: 'Summarise x' });
  });

  it("answers Kong's 400s", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['not json', {}, 'this LLM route only supports application/json requests'],
      [JSON.stringify({ messages: [], prompt: 'x' }), {}, "cannot run 'messages' and 'prompt' templates at the same time"],
      [JSON.stringify({ input: 'x' }), {}, "only 'llm/v1/chat' and 'llm/v1/completions' formats are supported for templating"],
      [JSON.stringify({ prompt: 'plain' }), { allow_untemplated_requests: false }, 'this LLM route only supports templated requests'],
      [JSON.stringify({ prompt: '{{template://summary}}' }), { allow_untemplated_requests: false }, 'this LLM route only supports templated requests'],
      [JSON.stringify({ prompt: '{template://nope}' }), {}, 'could not find template name [nope]'],
      [JSON.stringify({ prompt: '{template://developer-chat}', properties: { program: 'x' } }), {}, 'missing template parameters: [language]'],
      [JSON.stringify({ prompt: '{template://summary}', properties: { text: 1 } }), {}, 'property values must be a string, got number'],
      [JSON.stringify({ prompt: '{template://summary}', properties: 'x' }), {}, 'properties must be an object'],
    ];
    for (const [body, config, message] of cases) {
      const result = await run(body, config);
      assert.equal(result.status, 400, body);
      assert.deepEqual(JSON.parse(result.body), { error: { message } }, body);
    }
  });

  it('passes untemplated requests through when allowed', async () => {
    const result = await run(JSON.stringify({ prompt: 'plain' }));
    assert.equal(result.proxied, true);
    assert.equal(result.ctx.upstream.body, null);
  });
});

describe('ai-prompt-template rendering', () => {
  it('escapes like cjson and reports each missing name once, in order', () => {
    assert.equal(escapeJsonString('a\n"b"\\/'), 'a\\n\\"b\\"\\\\\\/');
    assert.deepEqual(renderTemplate('{{b}} {{a}} {{b}}', {}), { ok: false, message: 'missing template parameters: [b], [a]' });
    assert.deepEqual(renderTemplate('{{a}}-{{a}}', { a: 'x', extra: 'y' }), { ok: true, body: 'x-x' });
  });
});
