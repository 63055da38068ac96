// The official `@anthropic-ai/sdk` through a preserve route: Portico forwards Anthropic's own API
// untouched (path, body, stream) and only swaps in the configured credential.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import { ANTHROPIC_KEY, startAnthropicMock, type MockProvider } from '../helpers/llm-mocks.ts';

let anthropic: MockProvider;
let proxy: PluginProxyHarness;

before(async () => {
  anthropic = await startAnthropicMock();
  const owner = service();
  const entry = route({ service: owner, paths: ['/v1/messages'], strip_path: false });
  const plugin = pluginRow('ai-proxy', {
    route_type: 'preserve', auth: { header_name: 'x-api-key', header_value: ANTHROPIC_KEY },
    model: { provider: 'anthropic', options: { anthropic_version: '2023-06-01', upstream_url: anthropic.url } },
  }, { route: entry.id });
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes: [entry], plugins: [plugin] }), [aiProxy]);
});

after(async () => {
  await proxy?.close();
  await anthropic?.close();
});

it('passes Messages API calls and streams through with the configured key', async () => {
  const client = new Anthropic({ apiKey: 'client-key-never-forwarded', baseURL: proxy.url, maxRetries: 0 });
  const message = await client.messages.create({ model: 'claude-test', max_tokens: 50, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
  assert.deepEqual(message.content, [{ type: 'text', text: 'system=Be brief.' }]);
  assert.equal(anthropic.accepted.at(-1)!.headers['x-api-key'], ANTHROPIC_KEY);

  const stream = await client.messages.create({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], stream: true });
  let text = '';
  for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  assert.equal(text, 'Hello there');
});
