// Bodies stream through without buffering (kong-core §4.6): large uploads and downloads start
// arriving before the sender finished, SSE events are relayed as they are produced.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

const MB = 1024 * 1024;
const TOTAL = 50 * MB;
const CHUNK = Buffer.alloc(256 * 1024, 120);

describe('streaming', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  const marks = { downloadFinishedAt: 0, uploadFirstByteAt: 0, uploadBytes: 0, endlessClosedAt: 0 };

  before(async () => {
    upstream = await startUpstream();
    // Replace the default listener: these handlers must see bodies as streams, not buffered.
    upstream.server.removeAllListeners('request');
    upstream.server.on('request', (req, res) => {
      if (req.url === '/download') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        let sent = 0;
        const pump = (): void => {
          while (sent < TOTAL) {
            sent += CHUNK.length;
            if (!res.write(CHUNK)) { res.once('drain', pump); return; }
          }
          marks.downloadFinishedAt = Date.now();
          res.end();
        };
        pump();
        return;
      }
      if (req.url === '/upload') {
        req.on('data', (chunk: Buffer) => {
          if (marks.uploadFirstByteAt === 0) marks.uploadFirstByteAt = Date.now();
          marks.uploadBytes += chunk.length;
        });
        req.on('end', () => res.end(JSON.stringify({ bytes: marks.uploadBytes, te: req.headers['transfer-encoding'] ?? null })));
        return;
      }
      if (req.url === '/endless') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(CHUNK), 10);
        res.once('close', () => { clearInterval(timer); marks.endlessClosedAt = Date.now(); });
        return;
      }
      if (req.url === '/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.write('data: first\n\n');
        setTimeout(() => { res.write('data: second\n\n'); res.end(); }, 300);
        return;
      }
      res.end();
    });
    const svc = service({ port: upstream.port });
    proxy = await startProxy(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/'] })] }));
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('streams a 50 MB download: bytes arrive before the upstream finished', async () => {
    const res = await fetch(`${proxy.url}/download`);
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let received = 0;
    let firstAt = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (firstAt === 0) firstAt = Date.now();
      received += value.length;
    }
    assert.equal(received, TOTAL);
    assert.ok(marks.downloadFinishedAt > 0);
    assert.ok(firstAt <= marks.downloadFinishedAt, 'first byte reached the client before the upstream finished');
  });

  it('streams a 50 MB chunked upload: the upstream reads before the client finished', async () => {
    let clientFinishedAt = 0;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: '/upload', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < TOTAL) {
          sent += CHUNK.length;
          if (!req.write(CHUNK)) { req.once('drain', pump); return; }
        }
        clientFinishedAt = Date.now();
        req.end();
      };
      pump();
    });
    assert.deepEqual(JSON.parse(body), { bytes: TOTAL, te: 'chunked' });
    assert.ok(marks.uploadFirstByteAt > 0 && marks.uploadFirstByteAt <= clientFinishedAt, 'upstream saw bytes before the upload ended');
  });

  it('relays server-sent events as they are produced', async () => {
    const started = Date.now();
    const res = await fetch(`${proxy.url}/events`);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    assert.equal(Buffer.from(first.value!).toString(), 'data: first\n\n');
    assert.ok(firstAt < 250, `first event after ${firstAt} ms, before the second was written`);
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    assert.equal(rest, 'data: second\n\n');
  });

  it('closes the upstream request when the client goes away mid-stream', async () => {
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/endless`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const deadline = Date.now() + 2000;
    while (marks.endlessClosedAt === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(marks.endlessClosedAt > 0, 'upstream response was closed');
  });
});
