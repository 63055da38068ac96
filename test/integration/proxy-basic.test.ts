// End-to-end through the in-process proxy: passthrough, Kong's upstream/downstream headers,
// the 404/503 Kong-generated bodies and HEAD.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

const HEX32 = /^[0-9a-f]{32}$/;

describe('proxy passthrough', () => {
  let upstream: Upstream;
  let proxy: ProxyHarness;

  before(async () => {
    upstream = await startUpstream((req, res, body) => {
      if (req.url === '/with-server') {
        res.writeHead(200, { Server: 'upstream/1', Via: '1.1 edge' });
        res.end('ok');
        return;
      }
      const payload = JSON.stringify({ method: req.method, url: req.url, bodyLength: body.length, body: body.toString() });
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), 'X-Upstream': 'yes' });
      res.end(payload);
    });
    const svc = service({ port: upstream.port, name: 'echo' });
    const serviceless = route({ service: null, paths: ['/nowhere'] });
    proxy = await startProxy(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/echo'], name: 'echo-route' }), serviceless] }));
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('proxies a GET and adds Kong downstream headers', async () => {
    const res = await fetch(`${proxy.url}/echo/a?x=1&y`, { headers: { 'X-Custom': 'v' } });
    assert.equal(res.status, 201);
    const body = await res.json() as { method: string; url: string };
    assert.deepEqual([body.method, body.url], ['GET', '/a?x=1&y']);
    assert.equal(res.headers.get('x-upstream'), 'yes');
    assert.equal(res.headers.get('via'), '1.1 kong/3.10.0');
    assert.equal(res.headers.get('server'), 'kong/3.10.0');
    assert.match(res.headers.get('x-kong-request-id') ?? '', HEX32);
    assert.match(res.headers.get('x-kong-upstream-latency') ?? '', /^\d+$/);
    assert.match(res.headers.get('x-kong-proxy-latency') ?? '', /^\d+$/);
    const seen = upstream.requests.at(-1)!;
    assert.equal(seen.headers['x-custom'], 'v');
    assert.equal(seen.headers['x-kong-request-id'], res.headers.get('x-kong-request-id'));
    assert.equal(seen.headers.via, '1.1 kong/3.10.0');
    assert.equal(seen.headers.host, `127.0.0.1:${upstream.port}`);
  });

  it('keeps the upstream Server and appends to its Via', async () => {
    const res = await fetch(`${proxy.url}/echo/with-server`);
    assert.equal(await res.text(), 'ok');
    assert.equal(res.headers.get('server'), 'upstream/1');
    assert.equal(res.headers.get('via'), '1.1 edge, 1.1 kong/3.10.0');
  });

  it('proxies a POST body with its Content-Length', async () => {
    const res = await fetch(`${proxy.url}/echo`, { method: 'POST', body: 'hello world', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(res.status, 201);
    const body = await res.json() as { body: string; url: string };
    assert.equal(body.body, 'hello world');
    assert.equal(body.url, '/');
    assert.equal(upstream.requests.at(-1)!.headers['content-length'], '11');
  });

  it('answers an unmatched request with the 404 JSON of kong.response.error', async () => {
    const res = await fetch(`${proxy.url}/missing`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const rid = res.headers.get('x-kong-request-id')!;
    assert.match(rid, HEX32);
    assert.equal(await res.text(), `{\n  "message":"no Route matched with those values",\n  "request_id":"${rid}"\n}`);
    assert.match(res.headers.get('x-kong-response-latency') ?? '', /^\d+$/);
    assert.equal(res.headers.get('server'), 'kong/3.10.0');
  });

  it('negotiates the 404 body from Accept', async () => {
    const html = await fetch(`${proxy.url}/missing`, { headers: { Accept: 'text/html' } });
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await html.text(), /<p>no Route matched with those values\.<\/p>/);
    const xml = await fetch(`${proxy.url}/missing`, { headers: { Accept: 'text/plain;q=0.2, application/xml;q=0.9' } });
    assert.equal(xml.headers.get('content-type'), 'application/xml; charset=utf-8');
    const rid = xml.headers.get('x-kong-request-id');
    assert.equal(await xml.text(), `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>no Route matched with those values</message>\n  <requestid>${rid}</requestid>\n</error>\n`);
    const plain = await fetch(`${proxy.url}/missing`, { headers: { Accept: 'text/*' } });
    assert.equal(await plain.text(), `no Route matched with those values\nrequest_id: ${plain.headers.get('x-kong-request-id')}\n`);
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${proxy.url}/missing`, { method: 'HEAD' });
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '');
    const proxied = await fetch(`${proxy.url}/echo/h`, { method: 'HEAD' });
    assert.equal(proxied.status, 201);
    assert.equal(await proxied.text(), '');
  });

  it('answers a route without service with 503 JSON and no request_id', async () => {
    const res = await fetch(`${proxy.url}/nowhere`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(await res.text(), '{"message":"no Service found with those values"}');
  });
});
