import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IncomingRequestView } from './incoming-request.ts';

const facts = {
  scheme: 'http' as const, host: 'example.test', port: 8000, path: '/p', rawQuery: 'a=1',
  forwardedScheme: 'http', forwardedHost: 'example.test', forwardedPort: 8000, forwardedPath: '/p',
};

async function withRequest(body: string, handle: (req: IncomingMessage) => Promise<string>): Promise<string> {
  const server = createServer((req, res) => {
    handle(req).then((text) => res.end(text), (error: Error) => res.end(`error: ${error.message}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/p?a=1', headers: { 'x-test': 'yes' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      });
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    server.close();
  }
}

test('reads the body once on demand and keeps it for the upstream request', async () => {
  const text = await withRequest('hello body', async (req) => {
    const view = new IncomingRequestView(req, facts);
    assert.equal(view.bufferedBody, null);
    const [first, second] = await Promise.all([view.readBody(), view.readBody()]);
    assert.equal(first, second);
    const kept = view.bufferedBody as Buffer | null;
    return `${view.method} ${view.headers['x-test']} ${kept?.toString()} ${view.httpVersion}`;
  });
  assert.equal(text, 'POST yes hello body 1.1');
});

test('refuses to buffer more than maxBodySize', async () => {
  const text = await withRequest('x'.repeat(100), async (req) => {
    const view = new IncomingRequestView(req, { ...facts, maxBodySize: 10 });
    await view.readBody();
    return 'read';
  });
  assert.equal(text, 'error: request body too large');
});

test('a client that goes away mid-body fails the read instead of leaving it pending', async () => {
  let failure: Error | null = null;
  const server = createServer((req) => {
    new IncomingRequestView(req, facts).readBody().then(() => { failure = new Error('resolved'); }, (error: Error) => { failure = error; });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/p', headers: { 'content-length': '1000' } });
    req.on('error', () => undefined);
    req.write('only part of it');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    const deadline = Date.now() + 2000;
    while (failure === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match((failure as Error | null)?.message ?? 'still pending', /closed the connection|aborted/);
  } finally {
    server.close();
  }
});
