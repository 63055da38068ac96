// Malformed upstream responses (security-and-reliability §2.3, checklist A10): nothing invalid
// reaches the client, the answer is 502, and the next request works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

// Raw answers keyed by request path; each is written once and the socket closed.
const RAW: Record<string, string> = {
  '/split': 'HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok',
  '/double-length': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok',
  '/length-and-chunked': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  '/bad-status': 'HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok',
  '/bare-lf': 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok',
  '/close-delimited': 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nclose-delimited body',
};

describe('malformed upstream responses', () => {
  let raw: TcpServer;
  let good: Upstream;
  let proxy: ProxyHarness;

  before(async () => {
    raw = createTcpServer((socket) => {
      let head = '';
      socket.on('data', (chunk) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        const path = head.split(' ')[1]!;
        socket.end(RAW[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    good = await startUpstream();
    const bad = service({ port: (raw.address() as { port: number }).port, retries: 0 });
    const fine = service({ port: good.port });
    proxy = await startProxy(entitySet({ services: [bad, fine], routes: [route({ service: bad, paths: ['/raw'] }), route({ service: fine, paths: ['/good'] })] }));
  });
  after(async () => {
    await proxy.close();
    await good.close();
    await new Promise((resolve) => raw.close(resolve));
  });

  for (const path of ['/split', '/double-length', '/length-and-chunked', '/bad-status', '/bare-lf']) {
    it(`answers 502 for ${path}`, async () => {
      const res = await send(proxy.port, `/raw${path}`);
      assert.equal(res.status, 502);
      assert.equal(res.headers['set-cookie'], undefined);
      assert.match(res.body, /^An invalid response was received from the upstream server\n/);
      assert.equal((await send(proxy.port, '/good')).status, 200);
    });
  }

  it('re-frames a close-delimited body for the client', async () => {
    const res = await send(proxy.port, '/raw/close-delimited');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'close-delimited body');
  });
});
