// https services: TLS to the upstream with SNI = the upstream Host without port (kong-core §4.1),
// so preserve_host also steers SNI; tls_verify off by default as Kong's proxy_ssl_verify.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { entitySet, route, service, target, upstream as upstreamRow } from '../helpers/proxy-entities.ts';
import { closeServer } from '../helpers/loopback-upstream.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

describe('https upstream', () => {
  let dir: string;
  let server: Server;
  let proxy: ProxyHarness;
  const seen: Array<{ sni: string | false | null; host: string | undefined }> = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=api.test', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      seen.push({ sni: (req.socket as TLSSocket).servername, host: req.headers.host });
      res.end('secure');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const pool = upstreamRow({ name: 'tls.upstream', host_header: 'api.test' });
    const svc = service({ protocol: 'https', host: 'tls.upstream', port: 443 });
    const direct = service({ protocol: 'https', host: '127.0.0.1', port });
    proxy = await startProxy(entitySet({
      services: [svc, direct], upstreams: [pool], targets: [target(pool, `127.0.0.1:${port}`)],
      routes: [route({ service: svc, paths: ['/named'] }), route({ service: svc, paths: ['/preserve'], preserve_host: true }), route({ service: direct, paths: ['/ip'] })],
    }));
  });
  after(async () => { await proxy.close(); await closeServer(server as unknown as import('node:http').Server); rmSync(dir, { recursive: true, force: true }); });

  it('sends the upstream host_header as Host and SNI', async () => {
    const res = await send(proxy.port, '/named');
    assert.equal(res.body, 'secure');
    const port = (server.address() as AddressInfo).port;
    assert.deepEqual(seen.at(-1), { sni: 'api.test', host: `api.test:${port}` });
  });

  it('uses the client Host for SNI with preserve_host', async () => {
    await send(proxy.port, '/preserve', { headers: { Host: 'Client.Example:8443' } });
    // Server names compare case-insensitively (RFC 6066 §3).
    assert.equal(String(seen.at(-1)!.sni).toLowerCase(), 'client.example');
    assert.equal(seen.at(-1)!.host, 'Client.Example:8443');
  });

  it('sends no SNI to an IP-literal host', async () => {
    const res = await send(proxy.port, '/ip');
    assert.equal(res.status, 200);
    assert.equal(seen.at(-1)!.sni, false);
  });
});
