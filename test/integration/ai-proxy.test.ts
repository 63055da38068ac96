// ai-proxy end to end: a client through the real proxy to loopback mock providers that check
// the native request (path, credential, body shape) and answer natively.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import {
  ANTHROPIC_KEY, AWS_TEST_CREDENTIALS, OPENAI_KEY, startAnthropicMock, startBedrockMock, startOpenAiMock, createLogCapture, type MockProvider,
} from '../helpers/llm-mocks.ts';

const { plugin: capture, entries: logged } = createLogCapture();

const chatBody = { messages: [{ role: 'system', content: 'You are a mathematician.' }, { role: 'user', content: 'What is 1 + 1?' }] };
const statistics = { log_statistics: true, log_payloads: false };

let openai: MockProvider;
let openaiFailing: MockProvider;
let openaiBroken: MockProvider;
let anthropic: MockProvider;
let bedrock: MockProvider;
let proxy: PluginProxyHarness;

function aiRoute(path: string, config: Record<string, unknown>) {
  const owner = service();
  const entry = route({ service: owner, paths: [path] });
  return { owner, entry, row: pluginRow('ai-proxy', config, { route: entry.id }) };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return send(proxy.port, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function lastAi(): Record<string, any> | undefined {
  return logged[logged.length - 1]?.ai?.proxy;
}

before(async () => {
  [openai, openaiFailing, openaiBroken, anthropic, bedrock] = await Promise.all([
    startOpenAiMock(), startOpenAiMock({ failWith: { status: 401, body: { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } } } }),
    startOpenAiMock({ badBody: true }), startAnthropicMock(), startBedrockMock(),
  ]);
  const openaiAuth = { header_name: 'Authorization', header_value: `Bearer ${OPENAI_KEY}` };
  const routes = [
    aiRoute('/openai/chat', {
      route_type: 'llm/v1/chat', auth: openaiAuth, logging: statistics,
      model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `${openai.url}/v1/chat/completions`, input_cost: 10, output_cost: 20 } },
    }),
    aiRoute('/openai/any-model', {
      route_type: 'llm/v1/chat', auth: openaiAuth, logging: statistics, response_streaming: 'deny',
      model: { provider: 'openai', options: { upstream_url: `${openai.url}/v1/chat/completions` } },
    }),
    aiRoute('/openai/embeddings', {
      route_type: 'llm/v1/embeddings', auth: openaiAuth, logging: statistics,
      model: { provider: 'openai', name: 'text-embedding-3-small', options: { upstream_url: `${openai.url}/v1/embeddings` } },
    }),
    aiRoute('/openai/failing', {
      route_type: 'llm/v1/chat', auth: openaiAuth, model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `${openaiFailing.url}/v1/chat/completions` } },
    }),
    aiRoute('/openai/broken', {
      route_type: 'llm/v1/chat', auth: openaiAuth, model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `${openaiBroken.url}/v1/chat/completions` } },
    }),
    aiRoute('/anthropic', {
      route_type: 'llm/v1/chat', auth: { header_name: 'x-api-key', header_value: ANTHROPIC_KEY }, logging: statistics,
      model: { provider: 'anthropic', name: 'claude-test', options: { anthropic_version: '2023-06-01', max_tokens: 256, upstream_url: `${anthropic.url}/v1/messages` } },
    }),
    aiRoute('/anthropic/payloads', {
      route_type: 'llm/v1/chat', auth: { header_name: 'x-api-key', header_value: ANTHROPIC_KEY }, logging: { log_statistics: true, log_payloads: true },
      model: { provider: 'anthropic', name: 'claude-test', options: { anthropic_version: '2023-06-01', max_tokens: 256, upstream_url: `${anthropic.url}/v1/messages` } },
    }),
    aiRoute('/anthropic/unlogged', {
      route_type: 'llm/v1/chat', auth: { header_name: 'x-api-key', header_value: ANTHROPIC_KEY },
      model: { provider: 'anthropic', name: 'claude-test', options: { anthropic_version: '2023-06-01', max_tokens: 256, upstream_url: `${anthropic.url}/v1/messages` } },
    }),
    aiRoute('/bedrock', {
      route_type: 'llm/v1/chat', logging: statistics,
      auth: { aws_access_key_id: AWS_TEST_CREDENTIALS.accessKeyId, aws_secret_access_key: AWS_TEST_CREDENTIALS.secretAccessKey },
      model: {
        provider: 'bedrock', name: 'anthropic.claude-v2:1',
        options: { bedrock: { aws_region: AWS_TEST_CREDENTIALS.region }, upstream_url: `${bedrock.url}/model/anthropic.claude-v2%3A1/converse` },
      },
    }),
  ];
  const entities = entitySet({
    services: routes.map((item) => item.owner),
    routes: routes.map((item) => item.entry),
    plugins: [...routes.map((item) => item.row), pluginRow('capture-log', {})],
  });
  proxy = await startProxyWithPlugins(entities, [aiProxy, capture]);
});

after(async () => {
  await proxy?.close();
  await Promise.all([openai, openaiFailing, openaiBroken, anthropic, bedrock].map((mock) => mock?.close()));
});

describe('ai-proxy: openai', () => {
  it('replaces the client credential, sends the configured model and answers in OpenAI shape', async () => {
    const response = await post('/openai/chat', chatBody, { authorization: 'Bearer client-own-key' });
    assert.equal(response.status, 200, response.body);
    const body = JSON.parse(response.body);
    assert.equal(body.choices[0].message.content, 'echo: What is 1 + 1?');
    assert.equal(response.headers['x-kong-llm-model'], 'openai/gpt-4');
    assert.equal(response.headers['set-cookie'], undefined, 'Kong clears Set-Cookie from openai answers');
    const sent = JSON.parse(openai.accepted.at(-1)!.body.toString());
    assert.equal(sent.model, 'gpt-4');
    assert.equal(sent.stream, false);
    assert.equal(openai.accepted.at(-1)!.headers.authorization, `Bearer ${OPENAI_KEY}`);
  });

  it('logs usage, cost and latency under ai.proxy', async () => {
    await post('/openai/chat', chatBody);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const record = lastAi();
    assert.ok(record, 'ai.proxy is in the serialized log entry');
    assert.equal(record.meta.provider_name, 'openai');
    assert.equal(record.meta.request_model, 'gpt-4');
    assert.equal(record.meta.response_model, 'gpt-4-0613');
    assert.equal(typeof record.meta.llm_latency, 'number');
    assert.equal(record.usage.prompt_tokens, 11);
    assert.equal(record.usage.completion_tokens, 7);
    assert.equal(record.usage.total_tokens, 18);
    assert.equal(record.usage.cost, (11 * 10 + 7 * 20) / 1_000_000);
    assert.equal(record.usage.estimated, undefined);
  });

  it("answers Kong's 400 bodies for bad client bodies", async () => {
    const cases: [string, unknown, string][] = [
      ['/openai/chat', { segassem: [] }, "request body doesn't contain valid prompts"],
      ['/openai/chat', '{not json', "request body doesn't contain valid prompts"],
      ['/openai/chat', { ...chatBody, model: 'try-to-override-the-model' }, 'cannot use own model - must be: gpt-4'],
      ['/openai/any-model', chatBody, 'model parameter not found in request, nor in gateway configuration'],
      ['/openai/any-model', { ...chatBody, model: 'gpt-4o', stream: true }, 'response streaming is not enabled for this LLM'],
      ['/openai/chat', { prompt: 'hi' }, '[llm/v1/completions] message format is not compatible with [llm/v1/chat] route type'],
    ];
    for (const [path, body, message] of cases) {
      const response = await post(path, body);
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.deepEqual(JSON.parse(response.body), { error: { message } });
    }
  });

  it('takes the model from the body when the config has none', async () => {
    const response = await post('/openai/any-model', { ...chatBody, model: 'gpt-4o' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-kong-llm-model'], 'openai/gpt-4o');
  });

  it('passes provider errors through untranslated', async () => {
    const response = await post('/openai/failing', chatBody);
    assert.equal(response.status, 401);
    assert.deepEqual(JSON.parse(response.body), { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } });
    assert.equal(response.headers['x-kong-llm-model'], undefined);
  });

  it("answers Kong's 500 for an untranslatable 200", async () => {
    const response = await post('/openai/broken', chatBody);
    assert.equal(response.status, 500);
    assert.match(JSON.parse(response.body).error.message, /^transformation failed from type openai:\/\/llm\/v1\/chat: /);
  });

  it('streams SSE chunk by chunk, ends with [DONE] and logs the real usage', async () => {
    const response = await post('/openai/chat', { ...chatBody, stream: true });
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^text\/event-stream/);
    const frames = response.body.split('\n\n').filter(Boolean);
    assert.equal(frames.at(-1), 'data: [DONE]');
    const text = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice(6))).map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'The answer is 2.');
    // Portico asked for the usage chunk; the client did not, so it is not forwarded.
    assert.ok(frames.slice(0, -1).every((frame) => JSON.parse(frame.slice(6)).choices.length > 0));
    assert.equal(JSON.parse(openai.accepted.at(-1)!.body.toString()).stream_options.include_usage, true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(lastAi()?.usage.completion_tokens, 7);
  });

  it('translates embeddings', async () => {
    const response = await post('/openai/embeddings', { input: 'hello world' });
    assert.equal(response.status, 200, response.body);
    assert.deepEqual(JSON.parse(response.body).data[0].embedding, [0.25, -0.5, 1]);
  });
});

describe('ai-proxy: anthropic and bedrock', () => {
  it('translates chat to the Messages API and back', async () => {
    const response = await post('/anthropic', chatBody, { 'x-api-key': 'client-key' });
    assert.equal(response.status, 200, response.body);
    const body = JSON.parse(response.body);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].message.content, 'system=You are a mathematician.');
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.deepEqual(body.usage, { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 });
    assert.equal(JSON.parse(anthropic.accepted.at(-1)!.body.toString()).max_tokens, 256);
  });

  it('log_payloads records the exact body sent upstream and the body the client got', async () => {
    const response = await post('/anthropic/payloads', chatBody);
    assert.equal(response.status, 200, response.body);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const record = lastAi();
    assert.ok(record?.payload, 'payload is logged');
    assert.equal(record.payload.request, anthropic.accepted.at(-1)!.body.toString());
    assert.equal(JSON.parse(record.payload.request).system, 'You are a mathematician.');
    assert.equal(record.payload.response, response.body);
    assert.equal(record.usage.total_tokens, 25);
  });

  it('without log_statistics the answer is the same and no ai.proxy record is written', async () => {
    const before = logged.length;
    const response = await post('/anthropic/unlogged', chatBody);
    assert.equal(response.status, 200, response.body);
    assert.equal(JSON.parse(response.body).choices[0].message.content, 'system=You are a mathematician.');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(logged.length, before + 1, 'the request was logged');
    assert.equal(logged.at(-1)!.ai, undefined);
  });

  it('translates an Anthropic event stream into OpenAI chunks', async () => {
    const response = await post('/anthropic', { ...chatBody, stream: true });
    assert.equal(response.status, 200);
    const frames = response.body.split('\n\n').filter(Boolean);
    assert.equal(frames.at(-1), 'data: [DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice(6)));
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''), 'Hello there');
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(lastAi()?.usage.prompt_tokens, 9);
    assert.equal(lastAi()?.usage.completion_tokens, 4);
  });

  it('signs Bedrock requests with SigV4 over the exact body bytes', async () => {
    const response = await post('/bedrock', chatBody);
    assert.equal(response.status, 200, response.body);
    assert.equal(JSON.parse(response.body).choices[0].message.content, 'bedrock says hi');
    assert.equal(bedrock.accepted.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(lastAi()?.usage.total_tokens, 16);
  });
});
