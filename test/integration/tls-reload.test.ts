// Certificates change without a restart on a real gateway process: DB-less through POST /config
// and the embedded database through the Admin API; the TLS listener serves the new certificate
// on the next handshake. Also: the generated default certificate lands in <prefix>/ssl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { CertificateFactory } from './tls-fixtures.ts';
import { handshake } from './tls-client.ts';

async function servedName(port: number, servername: string | undefined, expected: string): Promise<string | undefined> {
  const deadline = Date.now() + 10_000;
  let seen: string | undefined;
  while (Date.now() < deadline) {
    seen = (await handshake(port, servername)).commonName;
    if (seen === expected) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return seen;
}

async function tlsGateway(env: Record<string, string> = {}): Promise<{ gateway: GatewayProcess; tlsPort: number }> {
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const gateway = await startGatewayProcess({ env: { KONG_PROXY_LISTEN: `127.0.0.1:${plainPort}, 127.0.0.1:${tlsPort} ssl http2`, ...env } });
  return { gateway, tlsPort };
}

test('DB-less: POST /config swaps the certificate served for an SNI', async () => {
  const factory = new CertificateFactory();
  const { gateway, tlsPort } = await tlsGateway();
  try {
    const pid = gateway.child.pid;
    assert.equal(await servedName(tlsPort, undefined, 'localhost'), 'localhost');
    assert.ok(existsSync(join(gateway.prefix, 'ssl', 'kong-default.crt')));
    assert.ok(existsSync(join(gateway.prefix, 'ssl', 'kong-default-ecdsa.crt')));
    for (const name of ['first', 'second']) {
      const pem = factory.selfSigned(name, ['reload.test']);
      const body = stringify({ _format_version: '3.0', certificates: [{ cert: pem.cert, key: pem.key, snis: [{ name: 'reload.test' }] }] });
      const response = await fetch(`${gateway.adminUrl}/config`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body });
      assert.equal(response.status, 201, await response.text());
      assert.equal(await servedName(tlsPort, 'reload.test', name), name);
    }
    assert.equal(gateway.child.pid, pid);
    assert.equal(gateway.child.exitCode, null);
  } finally {
    await gateway.stop();
    factory.cleanup();
  }
});

test('SQLite: certificates created and updated through the Admin API are served without restart', async () => {
  const factory = new CertificateFactory();
  const { gateway, tlsPort } = await tlsGateway({ KONG_DATABASE: 'sqlite', KONG_DB_UPDATE_FREQUENCY: '0.2' });
  try {
    const first = factory.selfSigned('admin-first', ['*.admin.test']);
    const created = await fetch(`${gateway.adminUrl}/certificates`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...first, snis: ['*.admin.test'] }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = await created.json() as { id: string };
    assert.equal(await servedName(tlsPort, 'api.admin.test', 'admin-first'), 'admin-first');
    const second = factory.selfSigned('admin-second', ['*.admin.test']);
    const updated = await fetch(`${gateway.adminUrl}/certificates/${id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cert: second.cert, key: second.key }),
    });
    assert.equal(updated.status, 200, await updated.text());
    assert.equal(await servedName(tlsPort, 'api.admin.test', 'admin-second'), 'admin-second');
    const removed = await fetch(`${gateway.adminUrl}/certificates/${id}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.equal(await servedName(tlsPort, 'api.admin.test', 'localhost'), 'localhost');
  } finally {
    await gateway.stop();
    factory.cleanup();
  }
});
