// ai-proxy config options end to end: templated model names, auth.allow_override, query-param
// auth, and Kong's introspection size limit (max_request_body_size).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import { GEMINI_KEY, OPENAI_KEY, startGeminiMock, startOpenAiMock, type MockProvider } from '../helpers/llm-mocks.ts';

let openai: MockProvider;
let gemini: MockProvider;
let proxy: PluginProxyHarness;

before(async () => {
  [openai, gemini] = await Promise.all([startOpenAiMock(), startGeminiMock()]);
  const owner = service();
  const chat = (upstream: string, extra: Record<string, unknown> = {}) => ({
    route_type: 'llm/v1/chat', auth: { header_name: 'Authorization', header_value: `Bearer ${OPENAI_KEY}` },
    model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `${upstream}/v1/chat/completions` } }, ...extra,
  });
  const entries: [string, Record<string, unknown>][] = [
    ['/templated', chat(openai.url, { model: { provider: 'openai', name: '$(headers.x-model)', options: { upstream_url: `${openai.url}/v1/chat/completions` } } })],
    ['/override', chat(openai.url, { auth: { header_name: 'Authorization', header_value: 'Bearer wrong-key', allow_override: true } })],
    ['/no-override', chat(openai.url, { auth: { header_name: 'Authorization', header_value: 'Bearer wrong-key' } })],
    ['/big', chat(openai.url, { max_request_body_size: 64 * 1024 })],
    ['/small', chat(openai.url)],
    ['/gemini-query', {
      route_type: 'llm/v1/chat', auth: { param_name: 'key', param_value: GEMINI_KEY, param_location: 'query' },
      model: { provider: 'gemini', name: 'gemini-test', options: { upstream_url: `${gemini.url}/v1beta/models/gemini-test:generateContent` } },
    }],
  ];
  const routes = entries.map(([path]) => route({ service: owner, paths: [path] }));
  const plugins = entries.map(([, config], index) => pluginRow('ai-proxy', config, { route: routes[index]!.id }));
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes, plugins }), [aiProxy]);
});

after(async () => {
  await proxy?.close();
  await Promise.all([openai?.close(), gemini?.close()]);
});

const messages = [{ role: 'user', content: 'Hi' }];
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send(proxy.port, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

it('resolves $(headers.x) model names per request, with Kong\'s 400 when missing', async () => {
  const response = await post('/templated', { messages }, { 'x-model': 'gpt-4o-mini' });
  assert.equal(response.status, 200);
  assert.equal(JSON.parse(openai.accepted.at(-1)!.body.toString()).model, 'gpt-4o-mini');
  const missing = await post('/templated', { messages });
  assert.equal(missing.status, 400);
  assert.deepEqual(JSON.parse(missing.body), { error: { message: 'headers key x-model was not provided' } });
});

it('lets the client credential win only with allow_override', async () => {
  assert.equal((await post('/override', { messages }, { authorization: `Bearer ${OPENAI_KEY}` })).status, 200);
  assert.equal((await post('/no-override', { messages }, { authorization: `Bearer ${OPENAI_KEY}` })).status, 400, 'the configured (wrong) key was sent');
});

it('adds query-parameter auth', async () => {
  const response = await post('/gemini-query', { messages });
  assert.equal(response.status, 200, response.body);
  assert.equal(new URL(gemini.accepted.at(-1)!.url, 'http://x').searchParams.get('key'), GEMINI_KEY);
});

it('does not introspect bodies over max_request_body_size (Kong: 8 KiB by default)', async () => {
  const large = { messages: [{ role: 'user', content: 'x'.repeat(9000) }] };
  const refused = await post('/small', large);
  assert.equal(refused.status, 400);
  assert.deepEqual(JSON.parse(refused.body), { error: { message: "request body doesn't contain valid prompts" } });
  assert.equal((await post('/big', large)).status, 200);
});
