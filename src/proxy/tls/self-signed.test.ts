import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './self-signed.ts';

describe('selfSignedCertificate', () => {
  for (const type of ['rsa', 'ec'] as const) {
    it(`builds a valid self-signed ${type} certificate`, () => {
      const { privateKey, publicKey } = type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const pem = selfSignedCertificate(privateKey, publicKey, '/C=US/ST=California/L=San Francisco/O=Kong/OU=IT Department/CN=localhost', 7300);
      const cert = new X509Certificate(pem);
      assert.equal(cert.subject, 'C=US\nST=California\nL=San Francisco\nO=Kong\nOU=IT Department\nCN=localhost');
      assert.equal(cert.issuer, cert.subject);
      assert.ok(cert.verify(publicKey), 'signed by its own key');
      assert.ok(cert.checkPrivateKey(privateKey));
      const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
      assert.ok(years > 19.9 && years < 20.1, `valid ~20 years, got ${years}`);
      const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      assert.equal(cert.verify(other.publicKey), false);
    });
  }
});
