// Post-match checks of Kong's access phase (kong-core §3.5): https-only routes on plain HTTP
// (426 or redirect, X-Forwarded-Proto honoured only from trusted_ips), gRPC routes, host matching.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

function config(port: number) {
  const svc = service({ port });
  return entitySet({
    services: [svc],
    routes: [
      route({ service: svc, paths: ['/secure'], protocols: ['https'] }),
      route({ service: svc, paths: ['/moved'], protocols: ['https'], https_redirect_status_code: 301 }),
      route({ service: svc, paths: ['/kept'], protocols: ['https'], https_redirect_status_code: 308 }),
      route({ service: svc, paths: ['/grpc'], protocols: ['grpc'] }),
      route({ service: svc, hosts: ['abc.example'], paths: ['/hosted'] }),
    ],
  });
}

describe('https-only routes on a plain listener', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => { upstream = await startUpstream(); proxy = await startProxy(config(upstream.port)); });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('answers 426 with Kong body and upgrade headers, even with a spoofed X-Forwarded-Proto', async () => {
    const res = await send(proxy.port, '/secure', { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.equal(res.status, 426);
    assert.equal(res.body, '{"message":"Please use HTTPS protocol"}');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers.connection, 'Upgrade');
    assert.equal(res.headers.upgrade, 'TLS/1.2, HTTP/1.1');
    assert.equal(upstream.requests.length, 0);
  });

  it('redirects with the configured status to https on the same host and request URI', async () => {
    const moved = await send(proxy.port, '/moved/a%20b?x=1', { headers: { Host: 'Shop.Example:8000' } });
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, 'https://shop.example/moved/a%20b?x=1');
    assert.equal(moved.body, '');
    const kept = await send(proxy.port, '/kept', { method: 'POST', body: 'x' });
    assert.equal(kept.status, 308);
  });

  it('answers 415 to a non-gRPC request on a gRPC route', async () => {
    const res = await send(proxy.port, '/grpc');
    assert.equal(res.status, 415);
    assert.equal(res.body, '{"message":"Non-gRPC request matched gRPC route"}');
  });

  it('matches hosts case-insensitively, ignoring a trailing dot and the port', async () => {
    const res = await send(proxy.port, '/hosted', { headers: { Host: 'AbC.Example.:8000' } });
    assert.equal(res.status, 200);
    const other = await send(proxy.port, '/hosted', { headers: { Host: 'other.example' } });
    assert.equal(other.status, 404);
  });
});

describe('https-only routes behind a trusted TLS terminator', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;
  before(async () => { upstream = await startUpstream(); proxy = await startProxy(config(upstream.port), { trusted_ips: '0.0.0.0/0,::/0' }); });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('proxies when a trusted peer says the client used https', async () => {
    const res = await send(proxy.port, '/secure', { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.equal(res.status, 200);
    assert.equal(upstream.requests.at(-1)!.headers['x-forwarded-proto'], 'https');
    const plain = await send(proxy.port, '/secure');
    assert.equal(plain.status, 426);
  });
});
