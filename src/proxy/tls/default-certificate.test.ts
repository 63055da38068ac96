import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../config/types.ts';
import { defaultKeyPairs, generatedKeyPairs } from './default-certificate.ts';

describe('default certificate', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'portico-default-cert-'));
  after(() => rmSync(prefix, { recursive: true, force: true }));

  it('generates an RSA and an ECDSA pair once per listener family, with Kong file names', () => {
    const first = generatedKeyPairs(prefix, 'proxy');
    assert.deepEqual(first.map((pair) => new X509Certificate(pair.cert).publicKey.asymmetricKeyType), ['rsa', 'ec']);
    assert.match(new X509Certificate(first[0]!.cert).subject, /CN=localhost/);
    // A later start (or another worker) reuses the files instead of minting new keys.
    assert.deepEqual(generatedKeyPairs(prefix, 'proxy'), first);
    const admin = generatedKeyPairs(prefix, 'admin');
    assert.notEqual(admin[0]!.cert, first[0]!.cert);
    assert.deepEqual(readdirSync(join(prefix, 'ssl')).sort(), [
      'admin-kong-default-ecdsa.crt', 'admin-kong-default-ecdsa.key', 'admin-kong-default.crt', 'admin-kong-default.key',
      'kong-default-ecdsa.crt', 'kong-default-ecdsa.key', 'kong-default.crt', 'kong-default.key',
    ]);
  });

  it('uses ssl_cert / ssl_cert_key (file, inline or base64 PEM) when configured', () => {
    const [pair] = generatedKeyPairs(prefix, 'status');
    const certFile = join(prefix, 'custom.crt');
    writeFileSync(certFile, pair!.cert);
    const settings = {
      prefix, ssl_cert: [certFile], ssl_cert_key: [Buffer.from(pair!.key).toString('base64')], admin_ssl_cert: [pair!.cert], admin_ssl_cert_key: [pair!.key],
    } as unknown as Settings;
    assert.deepEqual(defaultKeyPairs(settings, 'proxy'), [pair]);
    assert.deepEqual(defaultKeyPairs(settings, 'admin'), [pair]);
  });
});
