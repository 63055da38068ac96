// Upstream TLS per service (kong-core §4.1, §10.3): tls_verify off by default, verification
// against ca_certificates with the upstream Host as the checked name, tls_verify_depth as
// OpenSSL's depth (intermediates allowed), and client_certificate for upstreams requiring mTLS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { EntitySet, Service } from '../../src/entities/types.ts';
import { entitySet, route, service, target, upstream as upstreamRow } from '../helpers/proxy-entities.ts';
import { send, startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';
import { caCertificateRow, CertificateFactory, certificateRows, type Pem } from './tls-fixtures.ts';

async function httpsUpstream(pem: Pem, extra: { chain?: string; clientCa?: string } = {}): Promise<{ server: Server; port: number; clients: string[] }> {
  const clients: string[] = [];
  const server = createServer({
    key: pem.key, cert: pem.cert + (extra.chain ?? ''),
    ...(extra.clientCa === undefined ? {} : { requestCert: true, rejectUnauthorized: true, ca: extra.clientCa }),
  }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    clients.push(typeof peer.subject?.CN === 'string' ? peer.subject.CN : '');
    res.end('upstream ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, clients };
}

describe('upstream TLS', () => {
  const factory = new CertificateFactory();
  const servers: Server[] = [];
  let proxy: ProxyHarness;
  let mtlsClients: string[];

  before(async () => {
    const rootA = factory.authority('Root A');
    const rootB = factory.authority('Root B');
    const intermediate = factory.issue(rootB, 'Intermediate B', { ca: true });
    const clientCa = factory.authority('Client CA');
    const direct = await httpsUpstream(factory.issue(rootA, 'secure.test', { names: ['secure.test'] }));
    const chained = await httpsUpstream(factory.issue(intermediate, 'deep.test', { names: ['deep.test'] }), { chain: intermediate.cert });
    const mutual = await httpsUpstream(factory.issue(rootA, 'mtls.test', { names: ['mtls.test'] }), { clientCa: clientCa.cert });
    servers.push(direct.server, chained.server, mutual.server);
    mtlsClients = mutual.clients;

    const caA = caCertificateRow(rootA);
    const caB = caCertificateRow(rootB);
    const client = certificateRows(factory.issue(clientCa, 'portico-client'), []);
    const set: EntitySet = entitySet({});
    const addUpstream = (name: string, port: number): void => {
      // Targets are IPs: the upstream's host_header is the Host, the SNI and the verified name.
      const row = upstreamRow({ name, host_header: name });
      set.upstreams.push(row);
      set.targets.push(target(row, `127.0.0.1:${port}`));
    };
    addUpstream('secure.test', direct.port);
    addUpstream('wrong-name.test', direct.port);
    addUpstream('deep.test', chained.port);
    addUpstream('mtls.test', mutual.port);
    const addService = (path: string, fields: Partial<Service>): void => {
      const svc = service({ protocol: 'https', port: 443, retries: 0, ...fields });
      set.services.push(svc);
      set.routes.push(route({ service: svc, paths: [path] }));
    };
    addService('/unverified', { host: 'secure.test' });
    addService('/untrusted', { host: 'secure.test', tls_verify: true });
    addService('/trusted', { host: 'secure.test', tls_verify: true, ca_certificates: [caA.id] });
    addService('/wrong-ca', { host: 'secure.test', tls_verify: true, ca_certificates: [caB.id] });
    addService('/wrong-name', { host: 'wrong-name.test', tls_verify: true, ca_certificates: [caA.id] });
    addService('/depth-0', { host: 'deep.test', tls_verify: true, tls_verify_depth: 0, ca_certificates: [caB.id] });
    addService('/depth-default', { host: 'deep.test', tls_verify: true, ca_certificates: [caB.id] });
    addService('/mtls-none', { host: 'mtls.test' });
    addService('/mtls', { host: 'mtls.test', client_certificate: { id: client.certificate.id } });
    set.ca_certificates.push(caA, caB);
    set.certificates.push(client.certificate);
    proxy = await startProxy(set);
  });

  after(async () => {
    await proxy.close();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
    factory.cleanup();
  });

  it('does not verify the upstream certificate unless tls_verify is on', async () => {
    const res = await send(proxy.port, '/unverified');
    assert.deepEqual([res.status, res.body], [200, 'upstream ok']);
  });

  it('verifies against ca_certificates, not an unrelated or missing CA', async () => {
    assert.equal((await send(proxy.port, '/untrusted')).status, 502);
    assert.equal((await send(proxy.port, '/wrong-ca')).status, 502);
    const trusted = await send(proxy.port, '/trusted');
    assert.deepEqual([trusted.status, trusted.body], [200, 'upstream ok']);
  });

  it('checks the certificate name against the upstream host', async () => {
    assert.equal((await send(proxy.port, '/wrong-name')).status, 502);
  });

  it('applies tls_verify_depth (default 1 allows one intermediate)', async () => {
    assert.equal((await send(proxy.port, '/depth-0')).status, 502);
    assert.equal((await send(proxy.port, '/depth-default')).status, 200);
  });

  it('presents client_certificate to an upstream that requires mTLS', async () => {
    assert.equal((await send(proxy.port, '/mtls-none')).status, 502);
    const res = await send(proxy.port, '/mtls');
    assert.deepEqual([res.status, res.body], [200, 'upstream ok']);
    assert.equal(mtlsClients.at(-1), 'portico-client');
  });
});
