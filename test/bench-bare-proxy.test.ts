// bench/bare-proxy.ts (the node-bare baseline) as the bench starts it, in front of a real loopback
// upstream: it must forward faithfully, or "Portico ÷ node-bare" compares against a proxy that cheats.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startNodeBare } from '../bench/node-bare.ts';
import { canConnect, isAlive, killAllTracked } from '../bench/processes.ts';
import { ANTHROPIC_MOCK_BODY, CHAT_PATH, CHAT_REQUEST_BODY } from '../bench/scenarios-extra.ts';
import type { StartedSystem } from '../bench/measure.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-bare-proxy-'));
const servers: ReturnType<typeof createServer>[] = [];
after(async () => {
  await killAllTracked();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback upstream that records each request (body read whole) and answers with `answer`. */
async function upstream(answer: (seen: Seen, res: Parameters<RequestListener>[1]) => void): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      answer(entry, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0, seen };
}

function bare(upstreamPort: number, ai: boolean): Promise<StartedSystem> {
  // Readiness by connect only: the tests below check the answers themselves.
  return startNodeBare({ dir, upstreamPort, ai, cpus: null, startTimeoutMs: 20_000, ready: (port) => canConnect(port) });
}

test('forward mode passes status, headers and bodies through and drops hop-by-hop headers', async () => {
  const origin = await upstream((seen, res) => {
    if (seen.method === 'POST') {
      // Echo a large body back: it streams through in many chunks both ways.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(seen.body);
      return;
    }
    res.writeHead(201, { 'x-upstream': 'yes', 'keep-alive': 'timeout=99', 'content-type': 'text/plain' });
    res.end('hello from upstream');
  });
  const { system } = await bare(origin.port, false);
  const base = `http://127.0.0.1:${system.port}`;

  const get = await request(`${base}/some/path?q=1`, { headers: { 'x-client': 'abc' } });
  assert.equal(get.statusCode, 201);
  assert.equal(await get.body.text(), 'hello from upstream');
  assert.equal(get.headers['x-upstream'], 'yes');
  assert.equal(get.headers['content-type'], 'text/plain');
  assert.notEqual(get.headers['keep-alive'], 'timeout=99', "the upstream's keep-alive header is not passed on");
  assert.equal(origin.seen[0]?.url, '/some/path?q=1');
  assert.equal(origin.seen[0]?.headers['x-client'], 'abc');

  const large = Buffer.alloc(1024 * 1024 + 7, 'portico');
  const post = await request(`${base}/echo`, { method: 'POST', body: large });
  assert.equal(post.statusCode, 200);
  assert.ok(Buffer.from(await post.body.arrayBuffer()).equals(large), 'the 1 MiB body came back unchanged');
  assert.equal(origin.seen[1]?.body.length, large.length);
});

test('forward mode answers 502 when the upstream is down, and SIGTERM stops it', async () => {
  const closed = await upstream(() => undefined);
  servers.at(-1)?.close();
  const { system } = await bare(closed.port, false);
  const response = await request(`http://127.0.0.1:${system.port}/`);
  assert.equal(response.statusCode, 502);
  await response.body.dump();
  process.kill(system.rootPid, 'SIGTERM');
  for (let attempt = 0; attempt < 50 && isAlive(system.rootPid); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(isAlive(system.rootPid), false);
});

test('ai mode turns the OpenAI chat into Anthropic Messages and the fixed answer into a chat.completion', async () => {
  let status = 200;
  const mock = await upstream((_seen, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? ANTHROPIC_MOCK_BODY : '{"type":"error"}');
  });
  const { system } = await bare(mock.port, true);
  const url = `http://127.0.0.1:${system.port}${CHAT_PATH}`;
  const post = (body: string) => request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const before = Math.floor(Date.now() / 1000);
  const response = await post(CHAT_REQUEST_BODY);
  const text = await response.body.text();
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.equal(Number(response.headers['content-length']), Buffer.byteLength(text));
  const completion = JSON.parse(text) as Record<string, unknown>;
  assert.ok(typeof completion.created === 'number' && completion.created >= before);
  assert.deepEqual({ ...completion, created: 0 }, {
    id: 'msg_01BenchMockAnswer000000',
    object: 'chat.completion',
    created: 0,
    model: 'claude-3-5-haiku-20241022',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! This is a fixed answer from the benchmark mock.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 14, completion_tokens: 12, total_tokens: 26 },
  });

  const sent = mock.seen[0];
  assert.equal(sent?.method, 'POST');
  assert.equal(sent?.url, '/v1/messages');
  assert.equal(sent?.headers['x-api-key'], 'sk-ant-bench');
  assert.equal(sent?.headers['anthropic-version'], '2023-06-01');
  assert.deepEqual(JSON.parse(sent?.body.toString() ?? ''), {
    model: 'claude-3-5-haiku-20241022',
    max_tokens: 64,
    system: 'You are a terse assistant.',
    messages: [{ role: 'user', content: 'Say hello.' }],
  });

  const invalid = await post('not json');
  assert.equal(invalid.statusCode, 400);
  await invalid.body.dump();
  status = 500;
  const failed = await post(CHAT_REQUEST_BODY);
  assert.equal(failed.statusCode, 502);
  await failed.body.dump();
});
