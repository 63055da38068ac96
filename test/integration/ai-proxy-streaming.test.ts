// ai-proxy streams at the edges: an upstream that stops without its terminator, a client that
// goes away mid-stream, content types Kong cannot parse, error statuses, and preserve routes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type ServerResponse } from 'node:http';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as aiProxy } from '../../src/plugins/ai-proxy/handler.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { createLogCapture } from '../helpers/llm-mocks.ts';

const { plugin: capture, entries: logged } = createLogCapture();

const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { content } }] })}\n\n`;

let upstream: Upstream;
let proxy: PluginProxyHarness;
/** Resolves when the upstream sees the gateway drop the endless stream. */
let endlessClosed: Promise<void>;
let markEndlessClosed: () => void;

function handle(path: string, res: ServerResponse): void {
  if (path === '/cut') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(chunk('partial '));
    setTimeout(() => res.end(chunk('answer')), 10);
  } else if (path === '/reset') {
    // The provider dies mid-stream: a chunk, then the connection is reset (no chunked terminator).
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(chunk('half '));
    setTimeout(() => res.socket?.destroy(), 10);
  } else if (path === '/endless') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const timer = setInterval(() => res.write(chunk('more ')), 5);
    res.on('close', () => { clearInterval(timer); markEndlessClosed(); });
  } else if (path === '/plain') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('not a stream');
  } else if (path === '/limited') {
    res.writeHead(429, { 'Content-Type': 'application/json' });
    res.end('{"error":{"message":"Rate limit reached"}}');
  } else {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  }
}

before(async () => {
  endlessClosed = new Promise((resolve) => { markEndlessClosed = resolve; });
  upstream = await startUpstream((req, res) => handle(new URL(req.url!, 'http://x').pathname, res));
  const owner = service();
  const config = (path: string, extra: Record<string, unknown> = {}) => ({
    route_type: 'llm/v1/chat', auth: { header_name: 'Authorization', header_value: 'Bearer provider-key' },
    logging: { log_statistics: true, log_payloads: true },
    model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: `http://127.0.0.1:${upstream.port}${path}` } },
    ...extra,
  });
  const entries: [string, Record<string, unknown>][] = [
    ['/cut', config('/cut')], ['/reset', config('/reset')], ['/endless', config('/endless')], ['/plain', config('/plain')], ['/limited', config('/limited')],
    ['/always', config('/cut', { response_streaming: 'always' })],
    ['/preserve', { ...config(''), route_type: 'preserve', model: { provider: 'openai', options: { upstream_url: `http://127.0.0.1:${upstream.port}` } } }],
  ];
  const routes = entries.map(([path]) => route({ service: owner, paths: [path] }));
  const plugins = [...entries.map(([, conf], index) => pluginRow('ai-proxy', conf, { route: routes[index]!.id })), pluginRow('capture-log', {})];
  proxy = await startProxyWithPlugins(entitySet({ services: [owner], routes, plugins }), [aiProxy, capture]);
});

after(async () => {
  await proxy?.close();
  await upstream?.close();
});

const streamBody = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true });
const post = (path: string, body = streamBody) => send(proxy.port, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('ai-proxy streaming edges', () => {
  it('ends a stream the upstream cut short with [DONE] and flags it in the log', async () => {
    const response = await post('/cut');
    assert.equal(response.status, 200);
    assert.equal(response.body, `${chunk('partial ')}${chunk('answer')}data: [DONE]\n\n`);
    await settle();
    const record = logged.at(-1)!.ai.proxy;
    assert.equal(record.meta.stream_interrupted, true);
    assert.equal(record.usage.estimated, true);
    assert.equal(record.usage.completion_tokens, Math.ceil('partial answer'.length / 4));
    assert.equal(JSON.parse(record.payload.response).choices[0].message.content, 'partial answer');
  });

  it('ends the client stream cleanly when the provider connection is reset mid-stream', async () => {
    const response = await post('/reset');
    assert.equal(response.status, 200);
    assert.equal(response.body, `${chunk('half ')}data: [DONE]\n\n`);
    await settle();
    assert.equal(logged.at(-1)!.ai.proxy.meta.stream_interrupted, true);
  });

  it('forces streaming with response_streaming = always', async () => {
    const response = await post('/always', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }));
    assert.match(String(response.headers['content-type']), /^text\/event-stream/);
    assert.ok(response.body.endsWith('data: [DONE]\n\n'));
    assert.equal(JSON.parse(upstream.requests.at(-1)!.body.toString()).stream, true);
  });

  it('aborts the upstream when the client goes away mid-stream', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: proxy.port, path: '/endless', method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
        res.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', () => undefined);
      req.end(streamBody);
      setTimeout(() => reject(new Error('no data')), 2000).unref();
    });
    await Promise.race([endlessClosed, new Promise((_, reject) => setTimeout(() => reject(new Error('upstream still streaming')), 2000).unref())]);
  });

  it("replaces an unparseable stream with Kong's error frame", async () => {
    const response = await post('/plain');
    assert.equal(response.status, 200);
    assert.equal(response.body, 'data: {"error":true,"message":"empty or unsupported transformer response"}\n\n');
  });

  it('passes a streamed request\'s error status through, labelled as SSE', async () => {
    const response = await post('/limited');
    assert.equal(response.status, 429);
    assert.match(String(response.headers['content-type']), /^text\/event-stream/);
    assert.equal(response.body, '{"error":{"message":"Rate limit reached"}}');
  });

  it('preserve forwards the body and full client path untouched, with the configured credential', async () => {
    const body = JSON.stringify({ anything: ['goes'], model: 'x' });
    const response = await send(proxy.port, '/preserve/v1/files?purpose=x', { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer client' }, body });
    assert.equal(response.status, 200);
    const seen = upstream.requests.at(-1)!;
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/preserve/v1/files?purpose=x');
    assert.equal(seen.body.toString(), body);
    assert.equal(seen.headers.authorization, 'Bearer provider-key');
  });
});
