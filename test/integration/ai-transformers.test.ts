// ai-request-transformer and ai-response-transformer through the real proxy, with the LLM a
// loopback OpenAI mock (it echoes the last user message) and a plain loopback upstream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as requestTransformer } from '../../src/plugins/ai-request-transformer/handler.ts';
import { plugin as responseTransformer } from '../../src/plugins/ai-response-transformer/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { OPENAI_KEY, startOpenAiMock, type MockProvider } from '../helpers/llm-mocks.ts';

let llm: MockProvider;
let failingLlm: MockProvider;
let backend: Upstream;
let proxy: PluginProxyHarness;

function llmConf(mock: MockProvider) {
  return {
    route_type: 'llm/v1/chat', auth: { header_name: 'Authorization', header_value: `Bearer ${OPENAI_KEY}` },
    logging: { log_statistics: true, log_payloads: false },
    model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `${mock.url}/v1/chat/completions` } },
  };
}

const base = { http_timeout: 5000, https_verify: true };

before(async () => {
  [llm, failingLlm] = await Promise.all([startOpenAiMock(), startOpenAiMock({ failWith: { status: 503, body: { error: 'down' } } })]);
  backend = await startUpstream((_req, res, body) => {
    res.writeHead(201, { 'Content-Type': 'text/plain', 'X-Backend': 'yes' });
    res.end(`backend saw: ${body.toString()}`);
  });
  const owner = service({ host: '127.0.0.1', port: backend.port });
  const routes = {
    request: route({ service: owner, paths: ['/req'] }),
    extract: route({ service: owner, paths: ['/extract'] }),
    failing: route({ service: owner, paths: ['/failing'] }),
    response: route({ service: owner, paths: ['/res'] }),
    instructed: route({ service: owner, paths: ['/instructed'] }),
  };
  const plugins = [
    pluginRow('ai-request-transformer', { ...base, prompt: 'uppercase it', llm: llmConf(llm) }, { route: routes.request.id }),
    pluginRow('ai-request-transformer', { ...base, prompt: 'p', transformation_extract_pattern: 'NUMBER-(\\d+)', llm: llmConf(llm) }, { route: routes.extract.id }),
    pluginRow('ai-request-transformer', { ...base, prompt: 'p', llm: llmConf(failingLlm) }, { route: routes.failing.id }),
    pluginRow('ai-response-transformer', { ...base, prompt: 'summarise', parse_llm_response_json_instructions: false, llm: llmConf(llm) }, { route: routes.response.id }),
    pluginRow('ai-response-transformer', { ...base, prompt: 'p', parse_llm_response_json_instructions: true, llm: llmConf(llm) }, { route: routes.instructed.id }),
  ];
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes: Object.values(routes), plugins }), [requestTransformer, responseTransformer]);
});

after(async () => {
  await proxy?.close();
  await Promise.all([llm?.close(), failingLlm?.close(), backend?.close()]);
});

describe('ai-request-transformer', () => {
  it('replaces the upstream body with the LLM answer', async () => {
    const response = await send(proxy.port, '/req', { method: 'POST', body: 'hello' });
    assert.equal(response.status, 201);
    assert.equal(response.body, 'backend saw: echo: hello');
    const sent = JSON.parse(llm.accepted.at(-1)!.body.toString());
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'uppercase it' }, { role: 'user', content: 'hello' }]);
  });

  it('keeps only the first match of transformation_extract_pattern, or answers 400', async () => {
    assert.equal((await send(proxy.port, '/extract', { method: 'POST', body: 'x NUMBER-42 y' })).body, 'backend saw: NUMBER-42');
    const miss = await send(proxy.port, '/extract', { method: 'POST', body: 'nothing' });
    assert.equal(miss.status, 400);
    assert.deepEqual(JSON.parse(miss.body), { error: { message: 'AI response did not match specified regular expression' } });
  });

  it("reports LLM failures as Kong's 400", async () => {
    const response = await send(proxy.port, '/failing', { method: 'POST', body: 'x' });
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(response.body), { error: { message: 'failed to introspect request with AI service: status code 503' } });
  });
});

describe('ai-response-transformer', () => {
  it("calls the upstream itself and answers with the LLM's text and the upstream status", async () => {
    const before = backend.requests.length;
    const response = await send(proxy.port, '/res/item?a=1', { method: 'POST', body: 'data' });
    assert.equal(response.status, 201);
    assert.equal(response.body, 'echo: backend saw: data');
    assert.equal(response.headers['x-backend'], 'yes');
    assert.equal(backend.requests.length, before + 1, 'the upstream is called once (not proxied again)');
    assert.equal(backend.requests.at(-1)!.url, '/item?a=1');
  });

  it('applies JSON instructions, and answers 500 when they are not JSON', async () => {
    // The mock echoes its input, so the upstream body decides what the "LLM" says: not JSON here.
    const response = await send(proxy.port, '/instructed', { method: 'POST', body: 'x' });
    assert.equal(response.status, 500);
    assert.match(JSON.parse(response.body).error.message, /^failed to parse JSON response instructions from AI backend: /);
  });
});
