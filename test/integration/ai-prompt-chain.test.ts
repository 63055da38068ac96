// The AI plugins on one route, in Kong's order (template 773 → decorator 772 → guard 771 →
// proxy 770): each sees the body the one before produced, and the provider gets the result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { plugin as template } from '../../src/plugins/ai-prompt-template/handler.ts';
import { plugin as decorator } from '../../src/plugins/ai-prompt-decorator/handler.ts';
import { plugin as guard } from '../../src/plugins/ai-prompt-guard/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import { OPENAI_KEY, startOpenAiMock, type MockProvider } from '../helpers/llm-mocks.ts';

let openai: MockProvider;
let proxy: PluginProxyHarness;

before(async () => {
  openai = await startOpenAiMock();
  const owner = service();
  const entry = route({ service: owner, paths: ['/chat'] });
  const preserveRoute = route({ service: owner, paths: ['/preserve'] });
  const scope = { route: entry.id };
  const plugins = [
    pluginRow('ai-proxy', {
      route_type: 'llm/v1/chat', auth: { header_name: 'Authorization', header_value: `Bearer ${OPENAI_KEY}` },
      model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `${openai.url}/v1/chat/completions` } },
    }, scope),
    pluginRow('ai-prompt-template', {
      allow_untemplated_requests: true,
      templates: [{ name: 'ask', template: '{"messages":[{"role":"user","content":"Tell me about {{topic}}"}]}' }],
    }, scope),
    pluginRow('ai-prompt-decorator', { prompts: { append: [{ role: 'user', content: 'Keep it short.' }] } }, scope),
    pluginRow('ai-prompt-guard', { deny_patterns: ['(?i)weapons'], match_all_roles: true }, scope),
    pluginRow('ai-prompt-decorator', { prompts: { prepend: [{ role: 'system', content: 'Be kind.' }] } }, { route: preserveRoute.id }),
    pluginRow('ai-proxy', {
      route_type: 'preserve', auth: { header_name: 'Authorization', header_value: `Bearer ${OPENAI_KEY}` },
      model: { provider: 'openai', options: { upstream_url: openai.url } },
    }, { route: preserveRoute.id }),
  ];
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes: [entry, preserveRoute], plugins }), [aiProxy, template, decorator, guard]);
});

after(async () => {
  await proxy?.close();
  await openai?.close();
});

const post = (body: unknown, path = '/chat') => send(proxy.port, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('AI prompt plugins chained before ai-proxy', () => {
  it('renders, decorates, guards and proxies the result', async () => {
    const response = await post({ messages: '{template://ask}', properties: { topic: 'cats' } });
    assert.equal(response.status, 200, response.body);
    const sent = JSON.parse(openai.accepted.at(-1)!.body.toString());
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'Tell me about cats' }, { role: 'user', content: 'Keep it short.' }]);
    assert.equal(JSON.parse(response.body).choices[0].message.content, 'echo: Keep it short.');
  });

  it('lets the guard see the rendered prompt', async () => {
    const before = openai.accepted.length;
    const response = await post({ messages: '{template://ask}', properties: { topic: 'Weapons' } });
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(response.body), { error: { message: 'bad request' } });
    assert.equal(openai.accepted.length, before, 'nothing reached the provider');
  });

  it('forwards the decorated body on a preserve route', async () => {
    const response = await post({ model: 'gpt-4', messages: [{ role: 'user', content: 'Hi' }] }, '/preserve/v1/chat/completions');
    assert.equal(response.status, 200, response.body);
    const sent = JSON.parse(openai.accepted.at(-1)!.body.toString());
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi' }]);
    assert.equal(openai.accepted.at(-1)!.url, '/preserve/v1/chat/completions');
  });
});
