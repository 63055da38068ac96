// Upstream-side desync (security-and-reliability §2.4 CL.0 / 0.CL, checklist A6, A7): an
// upstream that ignores request bodies must not make a later client receive an answer meant
// for a request smuggled inside a body; pipelined client requests are answered in order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { rawExchange, startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

describe('upstream desync', () => {
  let naive: TcpServer;
  let echo: Upstream;
  let proxy: ProxyHarness;
  const requestLines: string[] = [];

  before(async () => {
    // Answers every request head it finds in the byte stream and never reads bodies, on a
    // keep-alive connection: the CL.0 upstream of the checklist.
    naive = createTcpServer((socket) => {
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        let end: number;
        while ((end = buffer.indexOf('\r\n\r\n')) !== -1) {
          const head = buffer.slice(0, end);
          buffer = buffer.slice(end + 4);
          const line = head.split('\r\n')[0]!;
          requestLines.push(line);
          const path = line.split(' ')[1]!;
          const body = `answer for ${path}`;
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
        }
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => naive.listen(0, '127.0.0.1', resolve));
    echo = await startUpstream();
    const svc = service({ port: (naive.address() as { port: number }).port });
    const echoSvc = service({ port: echo.port });
    proxy = await startProxy(entitySet({ services: [svc, echoSvc], routes: [route({ service: svc, paths: ['/n'], strip_path: false }), route({ service: echoSvc, paths: ['/e'] })] }));
  });
  after(async () => { await proxy.close(); await echo.close(); await new Promise((resolve) => naive.close(resolve)); });

  it('never hands a later client the answer to a request smuggled in a GET body', async () => {
    const smuggled = 'GET /n/admin HTTP/1.1\r\nHost: a\r\n\r\n';
    const first = await rawExchange(proxy.port,
      `GET /n/static HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`);
    assert.match(first, /answer for \/n\/static$/);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const next = await send(proxy.port, `/n/other${attempt}`);
      assert.equal(next.body, `answer for /n/other${attempt}`);
    }
  });

  it('answers pipelined requests in order, one upstream request each', async () => {
    const before = echo.requests.length;
    const response = await rawExchange(proxy.port,
      'GET /e/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /e/2 HTTP/1.1\r\nHost: a\r\n\r\nGET /e/3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const urls = [...response.matchAll(/"url":"([^"]+)"/g)].map((match) => match[1]);
    assert.deepEqual(urls, ['/1', '/2', '/3']);
    assert.equal(echo.requests.length - before, 3);
  });
});
