// TLS proxy listeners (kong-core §7, §10.3, §3.2, §3.5): certificate selection by SNI (exact,
// leftmost and rightmost wildcards, catch-all, default), RSA + ECDSA pairs, hot swap with the
// served snapshot, ALPN h2 and http/1.1 on one port, HTTP/2 through the proxy to an HTTP/1.1
// upstream, route snis, and https-only routes over plain vs TLS listeners.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/core/logger.ts';
import type { EntitySet, Route } from '../../src/entities/types.ts';
import { buildSnapshot, createProxyServer, UpstreamPools, type Snapshot } from '../../src/proxy/index.ts';
import { Listeners } from '../../src/runtime/listeners.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, testSettings } from '../helpers/proxy-harness.ts';
import { CertificateFactory, certificateRows, type Pem } from './tls-fixtures.ts';
import { handshake, http2Get, httpsGet } from './tls-client.ts';

describe('TLS proxy listener', () => {
  const factory = new CertificateFactory();
  const prefix = mkdtempSync(join(tmpdir(), 'portico-tls-prefix-'));
  const settings = testSettings({ prefix, proxy_listen: '127.0.0.1:0 ssl http2, 127.0.0.1:0, 127.0.0.1:0 http2', admin_listen: '127.0.0.1:0 ssl' });
  const logger = createLogger('crit');
  const pools = new UpstreamPools(settings);
  let upstream: Upstream;
  let listeners: Listeners;
  let snapshot: Snapshot;
  let tlsPort = 0;
  let plainPort = 0;
  let h2cPort = 0;
  let adminPort = 0;
  let routes: Route[];
  let certs: Record<'exact' | 'left' | 'right' | 'catchAll' | 'dualRsa' | 'dualEc' | 'reloaded', Pem>;

  function entities(pairs: Array<{ pem: Pem; snis: string[]; alt?: Pem }>): EntitySet {
    const set = entitySet({ services: [svc], routes });
    for (const pair of pairs) {
      const rows = certificateRows(pair.pem, pair.snis, pair.alt);
      set.certificates.push(rows.certificate);
      set.snis.push(...rows.snis);
    }
    return set;
  }
  let svc: ReturnType<typeof service>;

  before(async () => {
    certs = {
      exact: factory.selfSigned('exact'), left: factory.selfSigned('left'), right: factory.selfSigned('right'),
      catchAll: factory.selfSigned('catch-all'), dualRsa: factory.selfSigned('dual', ['dual.test'], 'rsa'),
      dualEc: factory.selfSigned('dual', ['dual.test'], 'ec'), reloaded: factory.selfSigned('reloaded'),
    };
    upstream = await startUpstream();
    svc = service({ port: upstream.port });
    routes = [
      route({ service: svc, paths: ['/any'] }),
      route({ service: svc, paths: ['/secure'], protocols: ['https'] }),
      route({ service: svc, paths: ['/moved'], protocols: ['https'], https_redirect_status_code: 308 }),
      route({ service: svc, paths: ['/sni'], protocols: ['https'], snis: ['api.test'] }),
    ];
    snapshot = buildSnapshot(entities([
      { pem: certs.exact, snis: ['api.test'] },
      { pem: certs.left, snis: ['*.wild.test'] },
      { pem: certs.right, snis: ['shop.*'] },
      { pem: certs.catchAll, snis: ['*'] },
      { pem: certs.dualRsa, snis: ['dual.test'], alt: certs.dualEc },
    ]), settings, 1);
    listeners = new Listeners(settings, logger, false);
    await listeners.bind({ kind: 'proxy', name: 'proxy', addresses: settings.proxy_listen, makeServer: () => createProxyServer(settings, () => snapshot, logger, { pools }), certificates: () => snapshot.certificates });
    await listeners.bind({ kind: 'admin', name: 'admin', addresses: settings.admin_listen, makeServer: () => createServer((_req, res) => res.end('admin')) });
    [tlsPort, plainPort, h2cPort, adminPort] = listeners.ports() as [number, number, number, number];
  });

  after(async () => {
    await listeners.drain(1000);
    await pools.close();
    await upstream.close();
    snapshot.close();
    factory.cleanup();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('picks the certificate by SNI: exact, *.rest, prefix.*, then the catch-all', async () => {
    assert.equal((await handshake(tlsPort, 'api.test')).commonName, 'exact');
    assert.equal((await handshake(tlsPort, 'API.test')).commonName, 'exact');
    assert.equal((await handshake(tlsPort, 'a.wild.test')).commonName, 'left');
    // Only the leftmost label is replaced: a deeper name is not covered by *.wild.test.
    assert.equal((await handshake(tlsPort, 'a.b.wild.test')).commonName, 'catch-all');
    assert.equal((await handshake(tlsPort, 'shop.example')).commonName, 'right');
    assert.equal((await handshake(tlsPort, 'unknown.test')).commonName, 'catch-all');
  });

  it('serves the generated default certificate to clients without SNI', async () => {
    assert.equal((await handshake(tlsPort, undefined)).commonName, 'localhost');
    assert.ok(existsSync(join(prefix, 'ssl', 'kong-default.crt')));
    assert.ok(existsSync(join(prefix, 'ssl', 'kong-default-ecdsa.key')));
    // The admin listener has its own default pair and never the proxy's certificates.
    assert.equal((await handshake(adminPort, 'api.test')).commonName, 'localhost');
    assert.ok(existsSync(join(prefix, 'ssl', 'admin-kong-default.crt')));
    assert.equal((await httpsGet(adminPort, '/')).body, 'admin');
  });

  it('offers the RSA and the ECDSA pair of one certificate by what the client accepts', async () => {
    const rsa = await handshake(tlsPort, 'dual.test', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    const ec = await handshake(tlsPort, 'dual.test', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
    assert.deepEqual([rsa.commonName, rsa.keyType], ['dual', 'rsa']);
    assert.deepEqual([ec.commonName, ec.keyType], ['dual', 'ec']);
  });

  it('negotiates h2 and http/1.1 on the same port', async () => {
    assert.equal((await handshake(tlsPort, 'api.test', { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'h2');
    assert.equal((await handshake(tlsPort, 'api.test', { ALPNProtocols: ['http/1.1'] })).alpn, 'http/1.1');
    const h1 = await httpsGet(tlsPort, '/any', { servername: 'api.test' });
    assert.deepEqual([h1.status, h1.alpn], [200, 'http/1.1']);
  });

  it('proxies an HTTP/2 request to an HTTP/1.1 upstream', async () => {
    const res = await http2Get(tlsPort, '/any?x=1', { servername: 'api.test', headers: { 'x-custom': 'yes' } });
    assert.equal(res.status, 200);
    assert.equal(res.alpn, 'h2');
    const seen = upstream.requests.at(-1)!;
    assert.equal(seen.httpVersion, '1.1');
    assert.equal(seen.url, '/?x=1'); // strip_path
    assert.match(String(seen.headers.via), /^2 kong\//);
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-host'], 'api.test');
    assert.equal(seen.headers['x-custom'], 'yes');
    assert.equal(seen.headers.host, `127.0.0.1:${upstream.port}`);
    assert.ok(!seen.rawHeaders.some((name) => name.startsWith(':')), 'no pseudo-header goes upstream');
    // Kong's headers come back over h2 without HTTP/1 connection headers.
    assert.equal(res.headers.connection, undefined);
    assert.match(String(res.headers.via), /kong\//);
  });

  it('streams an HTTP/2 request body upstream with its content-length', async () => {
    const body = 'x'.repeat(100_000);
    const res = await http2Get(tlsPort, '/any', { servername: 'api.test', headers: { ':method': 'POST', 'content-length': String(body.length) }, body });
    assert.equal(res.status, 200);
    const seen = upstream.requests.at(-1)!;
    assert.deepEqual([seen.method, seen.body.length, seen.headers['content-length']], ['POST', body.length, String(body.length)]);
  });

  it('takes h2c with prior knowledge and HTTP/1.1 on a plain listener flagged http2', async () => {
    const h2c = await http2Get(h2cPort, '/any', { scheme: 'http', authority: 'api.test' });
    assert.equal(h2c.status, 200);
    const seen = upstream.requests.at(-1)!;
    assert.match(String(seen.headers.via), /^2 kong\//);
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    const h1 = await send(h2cPort, '/any', { headers: { Host: 'api.test' } });
    assert.equal(h1.status, 200);
    assert.match(String(upstream.requests.at(-1)!.headers.via), /^1\.1 kong\//);
    // Not an HTTP/2 listener: a preface is just a bad HTTP/1 request there.
    await assert.rejects(http2Get(plainPort, '/any', { scheme: 'http' }));
  });

  it('answers errors over HTTP/2 too (no route: 404 with Kong body)', async () => {
    const res = await http2Get(tlsPort, '/nowhere', { servername: 'api.test' });
    assert.equal(res.status, 404);
    assert.match(res.body, /no Route matched with those values/);
  });

  it('refuses https-only routes on the plain listener (426 / redirect) and serves them over TLS', async () => {
    const plain = await send(plainPort, '/secure', { headers: { Host: 'api.test' } });
    assert.equal(plain.status, 426);
    assert.match(plain.body, /Please use HTTPS protocol/);
    const moved = await send(plainPort, '/moved?a=1', { headers: { Host: 'api.test' } });
    assert.equal(moved.status, 308);
    assert.equal(moved.headers.location, 'https://api.test/moved?a=1');
    const secure = await httpsGet(tlsPort, '/secure', { servername: 'api.test' });
    assert.equal(secure.status, 200);
    assert.equal(upstream.requests.at(-1)!.headers['x-forwarded-proto'], 'https');
  });

  it('matches route snis against the TLS server name', async () => {
    assert.equal((await httpsGet(tlsPort, '/sni', { servername: 'api.test' })).status, 200);
    assert.equal((await httpsGet(tlsPort, '/sni', { servername: 'other.test', headers: { Host: 'api.test' } })).status, 404);
    assert.equal((await http2Get(tlsPort, '/sni', { servername: 'api.test' })).status, 200);
  });

  it('picks up certificate changes with the next snapshot, without rebinding', async () => {
    const previous = snapshot;
    snapshot = buildSnapshot(entities([{ pem: certs.reloaded, snis: ['api.test'] }]), settings, 2);
    previous.close();
    assert.equal((await handshake(tlsPort, 'api.test')).commonName, 'reloaded');
    // The catch-all is gone with the old config: unknown names get the default certificate.
    assert.equal((await handshake(tlsPort, 'unknown.test')).commonName, 'localhost');
  });
});
