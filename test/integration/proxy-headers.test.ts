// Headers sent upstream (kong-core §4.1) and the trusted_ips / real-IP rules (§4.3, security §2.8–2.9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

function routes(port: number) {
  const svc = service({ port, name: 'svc' });
  const pathSvc = service({ port, path: '/s', name: 'with-path' });
  return entitySet({
    services: [svc, pathSvc],
    routes: [
      route({ service: svc, paths: ['/plain'], name: 'plain' }),
      route({ service: svc, paths: ['/keep'], strip_path: false }),
      route({ service: svc, paths: ['/host'], preserve_host: true }),
      route({ service: pathSvc, paths: ['/p'] }),
      route({ service: pathSvc, paths: ['/nostrip'], strip_path: false }),
    ],
  });
}

describe('upstream headers from an untrusted client', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => {
    upstream = await startUpstream();
    proxy = await startProxy(routes(upstream.port));
  });
  after(async () => { await proxy.close(); await upstream.close(); });
  const last = () => upstream.requests.at(-1)!;

  it('sets X-Forwarded-* and X-Real-IP itself and appends the peer to a client XFF', async () => {
    await send(proxy.port, '/plain/x?q=1', { headers: {
      Host: 'Example.COM:9000', 'X-Forwarded-For': '10.0.0.1', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'internal',
      'X-Forwarded-Port': '1', 'X-Forwarded-Prefix': '/evil', 'X-Forwarded-Path': '/evil', 'X-Real-IP': '10.0.0.2',
    } });
    const headers = last().headers;
    assert.equal(headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-forwarded-host'], 'example.com');
    assert.equal(headers['x-forwarded-port'], String(proxy.port));
    assert.equal(headers['x-forwarded-path'], '/plain/x');
    assert.equal(headers['x-forwarded-prefix'], '/plain');
    assert.equal(headers['x-real-ip'], '127.0.0.1');
    assert.equal(headers.host, `127.0.0.1:${upstream.port}`);
    assert.equal(last().url, '/x?q=1');
  });

  it('uses the peer address as X-Forwarded-For without a client value, and omits an empty prefix', async () => {
    await send(proxy.port, '/keep/a');
    assert.equal(last().headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(last().headers['x-forwarded-prefix'], undefined);
    assert.equal(last().url, '/keep/a');
  });

  it('keeps the client Host with preserve_host', async () => {
    await send(proxy.port, '/host', { headers: { Host: 'Client.Example:8080' } });
    assert.equal(last().headers.host, 'Client.Example:8080');
  });

  it('builds the upstream path from service path and strip_path', async () => {
    const cases: Array<[string, string]> = [['/p/x', '/s/x'], ['/p', '/s'], ['/p/', '/s/'], ['/px', '/s/x'], ['/nostrip/x', '/s/nostrip/x'], ['/p/a%2Fb/%7e?z=%20', '/s/a%2Fb/~?z=%20']];
    for (const [path, expected] of cases) {
      await send(proxy.port, path);
      assert.equal(last().url, expected, path);
    }
  });

  it('removes hop-by-hop headers and those named in Connection, never gateway ones', async () => {
    await send(proxy.port, '/plain', { headers: [
      'Host', 'localhost', 'Connection', 'keep-alive, X-Secret, X-Forwarded-For', 'X-Secret', '1', 'Keep-Alive', 'timeout=5',
      'Proxy-Connection', 'x', 'Proxy', 'http://evil', 'TE', 'gzip', 'X_Forwarded_For', 'spoof', 'X-Kept', 'yes',
    ] });
    const headers = last().headers;
    assert.equal(headers['x-secret'], undefined);
    assert.equal(headers['keep-alive'], undefined);
    assert.equal(headers['proxy-connection'], undefined);
    assert.equal(headers.proxy, undefined);
    assert.equal(headers.te, undefined);
    assert.equal(headers['x_forwarded_for'], undefined);
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(headers['x-kept'], 'yes');
  });

  it('forwards TE: trailers only when the client asked for trailers', async () => {
    await send(proxy.port, '/plain', { headers: { TE: 'gzip, trailers', Connection: 'TE' } });
    assert.equal(last().headers.te, 'trailers');
  });

  it('appends to a client Via and replaces the client request id', async () => {
    await send(proxy.port, '/plain', { headers: { Via: '1.0 squid', 'X-Kong-Request-Id': 'forged' } });
    assert.equal(last().headers.via, '1.0 squid, 1.1 kong/3.10.0');
    assert.match(String(last().headers['x-kong-request-id']), /^[0-9a-f]{32}$/);
  });

  it('refuses a Connection header naming framing headers (CVE-2026-6338)', async () => {
    const before = upstream.requests.length;
    const res = await send(proxy.port, '/plain', { method: 'POST', headers: { Connection: 'Content-Length', 'Content-Length': '4' }, body: 'abcd' });
    assert.equal(res.status, 400);
    assert.equal(res.body, `Bad request\nrequest_id: ${res.headers['x-kong-request-id']}\n`);
    assert.equal(upstream.requests.length, before);
  });
});

describe('trusted client', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => {
    upstream = await startUpstream();
    proxy = await startProxy(routes(upstream.port), { trusted_ips: '127.0.0.1,::1', real_ip_header: 'X-Forwarded-For', real_ip_recursive: 'on' });
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('honours X-Forwarded-* and takes the real IP right-to-left past trusted hops', async () => {
    await send(proxy.port, '/plain/y', { headers: {
      'X-Forwarded-For': '203.0.113.7, 10.1.1.1, 127.0.0.1', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example',
      'X-Forwarded-Port': '443', 'X-Forwarded-Prefix': '/api', 'X-Forwarded-Path': '/api/plain/y',
    } });
    const headers = upstream.requests.at(-1)!.headers;
    assert.equal(headers['x-real-ip'], '10.1.1.1');
    assert.equal(headers['x-forwarded-for'], '203.0.113.7, 10.1.1.1, 127.0.0.1, 127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'https');
    assert.equal(headers['x-forwarded-host'], 'public.example');
    assert.equal(headers['x-forwarded-port'], '443');
    assert.equal(headers['x-forwarded-prefix'], '/api');
    assert.equal(headers['x-forwarded-path'], '/api/plain/y');
  });
});

describe('header settings', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => {
    upstream = await startUpstream();
    proxy = await startProxy(routes(upstream.port), { headers: 'off', headers_upstream: 'off', allow_debug_header: 'on' });
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('omits informational headers when headers=off and reveals route/service with Kong-Debug', async () => {
    const res = await send(proxy.port, '/plain', { headers: { 'Kong-Debug': '1', 'X-Kong-Request-Id': 'client-value' } });
    assert.equal(res.status, 200);
    for (const name of ['via', 'x-kong-request-id', 'x-kong-upstream-latency', 'x-kong-proxy-latency']) assert.equal(res.headers[name], undefined, name);
    assert.equal(res.headers['kong-route-name'], 'plain');
    assert.equal(res.headers['kong-service-name'], 'svc');
    assert.match(String(res.headers['kong-route-id']), /^[0-9a-f-]{36}$/);
    // headers_upstream=off: the client's own id is not replaced.
    assert.equal(upstream.requests.at(-1)!.headers['x-kong-request-id'], 'client-value');
    const missing = await send(proxy.port, '/none');
    assert.equal(missing.headers.server, undefined);
    assert.equal(missing.headers['x-kong-response-latency'], undefined);
  });
});

describe('response headers from the upstream', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => {
    upstream = await startUpstream((_req, res) => {
      // Raw header lines: the upstream names X-Internal as hop-by-hop and sends its own Via.
      res.writeHead(200, [
        'Connection', 'Keep-Alive, X-Internal', 'Keep-Alive', 'timeout=5', 'X-Internal', 'secret',
        'Proxy-Connection', 'x', 'Via', '1.0 edge', 'X-Kept', 'yes', 'Content-Length', '2',
      ]);
      res.end('ok');
    });
    proxy = await startProxy(routes(upstream.port));
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('drops hop-by-hop headers and those the upstream names in Connection, keeps the rest, adds the gateway ones', async () => {
    const res = await send(proxy.port, '/plain');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-internal'], undefined);
    assert.equal(res.headers['proxy-connection'], undefined);
    assert.equal(res.headers['x-kept'], 'yes');
    assert.equal(res.headers['content-length'], '2');
    assert.equal(res.headers.via, '1.0 edge, 1.1 kong/3.10.0');
    assert.match(String(res.headers['x-kong-request-id']), /^[0-9a-f]{32}$/);
    // node:http answers keep-alive itself; the upstream's timeout=5 is not passed on.
    assert.notEqual(res.headers['keep-alive'], 'timeout=5');
  });
});
