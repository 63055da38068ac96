// The official `openai` npm client through Portico to each mocked provider: chat, streaming and
// embeddings, as an application would use the gateway. The SDK's own key never reaches a
// provider (each mock accepts only the configured credential).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import OpenAI from 'openai';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import {
  ANTHROPIC_KEY, AWS_TEST_CREDENTIALS, GEMINI_KEY, OPENAI_KEY, startAnthropicMock, startBedrockMock, startGeminiMock, startOllamaMock,
  startOpenAiMock, startCohereMock, COHERE_KEY, type MockProvider,
} from '../helpers/llm-mocks.ts';

let openai: MockProvider;
let anthropic: MockProvider;
let bedrock: MockProvider;
let gemini: Awaited<ReturnType<typeof startGeminiMock>>;
let azure: MockProvider;
let ollama: MockProvider;
let cohere: MockProvider;
const AZURE = { apiKey: 'azure-test-key', apiVersion: '2024-10-21' };
let proxy: PluginProxyHarness;

function serviceAccountJson(tokenUri: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account', client_email: 'portico@test.iam.gserviceaccount.com', token_uri: tokenUri,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
}

before(async () => {
  [openai, anthropic, bedrock, gemini, azure, ollama, cohere] = await Promise.all([
    startOpenAiMock(), startAnthropicMock(), startBedrockMock(), startGeminiMock(), startOpenAiMock({ azure: AZURE }), startOllamaMock(), startCohereMock(),
  ]);
  const bedrockModel = { provider: 'bedrock', name: 'amazon.nova-lite-v1:0', options: { bedrock: { aws_region: AWS_TEST_CREDENTIALS.region } } };
  const bedrockAuth = { aws_access_key_id: AWS_TEST_CREDENTIALS.accessKeyId, aws_secret_access_key: AWS_TEST_CREDENTIALS.secretAccessKey };
  const openaiAuth = { header_name: 'Authorization', header_value: `Bearer ${OPENAI_KEY}` };
  const configs: [string, Record<string, unknown>][] = [
    ['/openai/v1/chat/completions', { route_type: 'llm/v1/chat', auth: openaiAuth, model: { provider: 'openai', options: { upstream_url: `${openai.url}/v1/chat/completions` } } }],
    ['/openai/v1/embeddings', { route_type: 'llm/v1/embeddings', auth: openaiAuth, model: { provider: 'openai', options: { upstream_url: `${openai.url}/v1/embeddings` } } }],
    ['/anthropic/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: { header_name: 'x-api-key', header_value: ANTHROPIC_KEY },
      model: { provider: 'anthropic', name: 'claude-test', options: { anthropic_version: '2023-06-01', max_tokens: 100, upstream_url: `${anthropic.url}/v1/messages` } },
    }],
    ['/bedrock/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: bedrockAuth,
      model: { ...bedrockModel, options: { ...bedrockModel.options, upstream_url: `${bedrock.url}/model/amazon.nova-lite-v1%3A0/converse` } },
    }],
    // Kong takes the whole path from upstream_url, so the streaming operation needs its own route.
    ['/bedrock-stream/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: bedrockAuth,
      model: { ...bedrockModel, options: { ...bedrockModel.options, upstream_url: `${bedrock.url}/model/amazon.nova-lite-v1%3A0/converse-stream` } },
    }],
    ['/azure/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: { header_name: 'api-key', header_value: AZURE.apiKey },
      model: { provider: 'azure', name: 'gpt-4o', options: { azure_instance: 'unused', azure_deployment_id: 'dep1', azure_api_version: AZURE.apiVersion, upstream_url: `${azure.url}/openai/deployments/dep1/chat/completions` } },
    }],
    ['/llama2/v1/chat/completions', {
      route_type: 'llm/v1/chat', model: { provider: 'llama2', name: 'llama3', options: { llama2_format: 'ollama', upstream_url: `${ollama.url}/api/chat` } },
    }],
    ['/cohere/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: { header_name: 'Authorization', header_value: `Bearer ${COHERE_KEY}` },
      model: { provider: 'cohere', name: 'command-r', options: { upstream_url: `${cohere.url}/v1/chat` } },
    }],
    ['/mistral/v1/chat/completions', {
      route_type: 'llm/v1/chat', model: { provider: 'mistral', name: 'mistral-tiny', options: { mistral_format: 'ollama', upstream_url: `${ollama.url}/api/chat` } },
    }],
    ['/gemini/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: { header_name: 'x-goog-api-key', header_value: GEMINI_KEY },
      model: { provider: 'gemini', name: 'gemini-test', options: { upstream_url: `${gemini.url}/v1beta/models/gemini-test:generateContent` } },
    }],
    ['/vertex/v1/chat/completions', {
      route_type: 'llm/v1/chat', auth: { gcp_use_service_account: true, gcp_service_account_json: serviceAccountJson(`${gemini.url}/token`) },
      model: {
        provider: 'gemini', name: 'gemini-test',
        options: { gemini: { api_endpoint: 'unused.test', project_id: 'p1', location_id: 'l1' }, upstream_url: `${gemini.url}/v1/projects/p1/locations/l1/publishers/google/models/gemini-test:generateContent` },
      },
    }],
  ];
  const owner = service();
  const routes = configs.map(([path]) => route({ service: owner, paths: [path] }));
  const plugins = configs.map(([, config], index) => pluginRow('ai-proxy', config, { route: routes[index]!.id }));
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes, plugins }), [aiProxy]);
});

after(async () => {
  await proxy?.close();
  await Promise.all([openai, anthropic, bedrock, gemini, azure, ollama, cohere].map((mock) => mock?.close()));
});

async function streamedText(provider: string, model: string): Promise<string> {
  const stream = await client(provider).chat.completions.create({ model, messages, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

function client(provider: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-client-key-never-forwarded', baseURL: `${proxy.url}/${provider}/v1`, maxRetries: 0 });
}

const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hi' }];

describe('openai SDK through Portico', () => {
  it('chats with OpenAI, streams, and embeds', async () => {
    const sdk = client('openai');
    const completion = await sdk.chat.completions.create({ model: 'gpt-4o', messages });
    assert.equal(completion.choices[0]!.message.content, 'echo: Hi');
    const stream = await sdk.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'The answer is 2.');
    const embedding = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    assert.deepEqual(embedding.data[0]!.embedding, [0.25, -0.5, 1]);
  });

  it('chats with Anthropic, plain and streamed', async () => {
    const sdk = client('anthropic');
    const completion = await sdk.chat.completions.create({ model: 'claude-test', messages });
    assert.equal(completion.choices[0]!.message.content, 'system=Be brief.');
    assert.equal(completion.usage?.total_tokens, 25);
    const stream = await sdk.chat.completions.create({ model: 'claude-test', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'Hello there');
  });

  it('chats with Bedrock (SigV4) and Gemini (API key and Vertex service account)', async () => {
    const bedrockAnswer = await client('bedrock').chat.completions.create({ model: 'amazon.nova-lite-v1:0', messages });
    assert.equal(bedrockAnswer.choices[0]!.message.content, 'bedrock says hi');
    const geminiAnswer = await client('gemini').chat.completions.create({ model: 'gemini-test', messages });
    assert.equal(geminiAnswer.choices[0]!.message.content, 'gemini: Hi');
    for (let index = 0; index < 2; index++) {
      const vertexAnswer = await client('vertex').chat.completions.create({ model: 'gemini-test', messages });
      assert.equal(vertexAnswer.choices[0]!.message.content, 'gemini: Hi');
    }
    // One token source per config: the second request reuses the cached token.
    assert.equal(gemini.tokenExchanges(), 1);
  });

  it('surfaces the provider-shaped 400 for a model the route does not allow', async () => {
    const sdk = client('anthropic');
    await assert.rejects(sdk.chat.completions.create({ model: 'gpt-4o', messages }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 400);
      assert.equal(error.message, '400 cannot use own model - must be: claude-test');
      return true;
    });
  });

  it('streams from Bedrock (AWS event stream) and chats and streams with Azure and Ollama-format providers', async () => {
    assert.equal(await streamedText('bedrock-stream', 'amazon.nova-lite-v1:0'), 'streamed bedrock');
    const azureAnswer = await client('azure').chat.completions.create({ model: 'gpt-4o', messages });
    assert.equal(azureAnswer.choices[0]!.message.content, 'echo: Hi');
    assert.equal(await streamedText('azure', 'gpt-4o'), 'The answer is 2.');
    for (const provider of ['llama2', 'mistral']) {
      const model = provider === 'llama2' ? 'llama3' : 'mistral-tiny';
      const answer = await client(provider).chat.completions.create({ model, messages });
      assert.equal(answer.choices[0]!.message.content, 'echo: Hi');
      assert.equal(answer.usage?.prompt_tokens, 8);
      assert.equal(await streamedText(provider, model), 'Hello llama');
    }
  });

  it('chats and streams with Cohere', async () => {
    const answer = await client('cohere').chat.completions.create({ model: 'command-r', messages });
    assert.equal(answer.choices[0]!.message.content, 'cohere: Hi');
    assert.equal(answer.usage?.total_tokens, 9);
    const sent = JSON.parse(cohere.accepted.at(-1)!.body.toString());
    assert.deepEqual(sent.chat_history, [{ role: 'USER', message: 'Be brief.' }]);
    assert.equal(await streamedText('cohere', 'command-r'), 'cohere');
  });
});
