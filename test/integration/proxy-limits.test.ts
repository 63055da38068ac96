// Listener limits and request-line/header checks (security-and-reliability §2.1, §2.2, §2.14,
// checklist A1/A2/A8/B1–B4): each refused request gets its status and the upstream sees nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { rawExchange, startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}

describe('request limits', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => {
    upstream = await startUpstream();
    const svc = service({ port: upstream.port });
    proxy = await startProxy(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/'] })] }), {
      client_max_body_size: '1k', max_uri_length: '100', max_request_headers: '20', max_request_header_size: '4k',
      client_header_timeout: '1s', client_body_timeout: '1s',
    });
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('413 for a Content-Length over client_max_body_size, and the limit itself passes', async () => {
    const over = await send(proxy.port, '/a', { method: 'POST', body: Buffer.alloc(1025) });
    assert.equal(over.status, 413);
    assert.equal(over.body, `Payload too large\nrequest_id: ${over.headers['x-kong-request-id']}\n`);
    const at = await send(proxy.port, '/a', { method: 'POST', body: Buffer.alloc(1024) });
    assert.equal(at.status, 200);
    assert.equal(upstream.requests.at(-1)!.body.length, 1024);
  });

  it('413 for a chunked body that grows past the limit while streaming', async () => {
    const before = upstream.requests.length;
    const chunk = 'a'.repeat(600);
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`;
    const response = await rawExchange(proxy.port, `POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
    assert.equal(statusOf(response), 413);
    assert.ok(upstream.requests.length === before || upstream.requests.at(-1)!.body.length < 1200);
    const small = await rawExchange(proxy.port, `POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    assert.equal(statusOf(small), 200);
    assert.equal(upstream.requests.at(-1)!.body.toString(), 'hello');
    assert.equal(upstream.requests.at(-1)!.headers['transfer-encoding'], 'chunked');
  });

  it('414 for a request target over max_uri_length', async () => {
    const ok = await send(proxy.port, `/${'a'.repeat(99)}`);
    assert.equal(ok.status, 200);
    const long = await send(proxy.port, `/${'a'.repeat(100)}`);
    assert.equal(long.status, 414);
    assert.match(long.body, /^URI too long\n/);
  });

  it('431 for more header lines than max_request_headers', async () => {
    const headers: Record<string, string> = {};
    for (let index = 0; index < 17; index += 1) headers[`x-h${index}`] = 'v';
    assert.equal((await send(proxy.port, '/a', { headers })).status, 200); // 17 + host + connection = 19
    for (let index = 17; index < 40; index += 1) headers[`x-h${index}`] = 'v';
    const res = await send(proxy.port, '/a', { headers });
    assert.equal(res.status, 431);
  });

  it('431 for a header block over max_request_header_size', async () => {
    const response = await rawExchange(proxy.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(5000)}\r\n\r\n`);
    assert.equal(statusOf(response), 431);
    assert.match(response, /X-Kong-Request-Id: [0-9a-f]{32}/);
  });

  it('400 for duplicate Host, absolute-form targets, CONNECT and malformed paths', async () => {
    const count = upstream.requests.length;
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET http://evil.example/x HTTP/1.1\r\nHost: good\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\nAuthorization: x\r\nAuthorization: y\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a..b\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET /public/..;/admin HTTP/1.1\r\nHost: a\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG')), 400);
    assert.equal(upstream.requests.length, count, 'upstream saw none of them');
  });

  it('501 for transfer codings other than chunked, 400 for Transfer-Encoding on HTTP/1.0, 505 for HTTP/2.0 framing', async () => {
    assert.equal(statusOf(await rawExchange(proxy.port, 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n')), 501);
    assert.equal(statusOf(await rawExchange(proxy.port, 'POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')), 400);
    assert.equal(statusOf(await rawExchange(proxy.port, 'GET / HTTP/2.0\r\nHost: a\r\n\r\n')), 505);
  });

  it('408 for a client that never finishes its headers', async () => {
    const started = Date.now();
    const response = await new Promise<string>((resolve) => {
      const socket = connect(proxy.port, '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => { data += chunk.toString('latin1'); });
      socket.on('close', () => resolve(data));
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n');
    });
    assert.equal(statusOf(response), 408);
    assert.match(response, /Request timeout\nrequest_id: [0-9a-f]{32}\n$/);
    assert.ok(Date.now() - started < 3500);
  });
});
