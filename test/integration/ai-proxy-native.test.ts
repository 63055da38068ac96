// ai-proxy with llm_format = gemini: the client speaks Gemini's own API; the native body and
// answer pass through untouched while Portico sets the credential and meters the usage.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import { GEMINI_KEY, startGeminiMock, createLogCapture } from '../helpers/llm-mocks.ts';

const { plugin: capture, entries: logged } = createLogCapture();

let gemini: Awaited<ReturnType<typeof startGeminiMock>>;
let proxy: PluginProxyHarness;

before(async () => {
  gemini = await startGeminiMock();
  const owner = service();
  const entry = route({ service: owner, paths: ['/native'] });
  const plugins = [
    pluginRow('ai-proxy', {
      route_type: 'llm/v1/chat', llm_format: 'gemini', auth: { header_name: 'x-goog-api-key', header_value: GEMINI_KEY },
      logging: { log_statistics: true, log_payloads: false },
      model: { provider: 'gemini', options: { upstream_url: `${gemini.url}/v1beta/models/gemini-test:generateContent` } },
    }, { route: entry.id }),
    pluginRow('capture-log', {}),
  ];
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes: [entry], plugins }), [aiProxy, capture]);
});

after(async () => {
  await proxy?.close();
  await gemini?.close();
});

it('forwards the native Gemini body and answer untouched and meters them', async () => {
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'What is 1 + 1?' }] }], generationConfig: { maxOutputTokens: 256 } });
  const response = await send(proxy.port, '/native/v1beta/models/gemini-test:generateContent', {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'client-key' }, body,
  });
  assert.equal(response.status, 200, response.body);
  assert.equal(JSON.parse(response.body).candidates[0].content.parts[0].text, 'gemini: What is 1 + 1?');
  assert.equal(gemini.accepted.at(-1)!.body.toString(), body);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const record = logged.at(-1)!.ai.proxy;
  assert.equal(record.meta.request_model, 'gemini-test');
  assert.deepEqual([record.usage.prompt_tokens, record.usage.completion_tokens, record.usage.total_tokens], [6, 3, 9]);
});
