import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './self-signed.ts';

describe('selfSignedCertificate', () => {
  it('encodes every random serial as a minimal positive INTEGER (zero and high leading bytes included)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    for (const first of [0x00, 0x80, 0xff, 0x7f]) {
      const random = Buffer.alloc(16, 0x01);
      random[0] = first;
      random[1] = 0x05;
      const pem = selfSignedCertificate(privateKey, publicKey, '/CN=localhost', 1, random);
      const serial = new X509Certificate(pem).serialNumber;
      assert.match(serial, /^(0[1-9A-F]|[1-7][0-9A-F])/, `serial ${serial} from a leading 0x${first.toString(16)}`);
      assert.equal(serial.length, 32);
    }
  });

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
