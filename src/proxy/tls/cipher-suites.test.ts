import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { protocolOptions, protocolRange } from './cipher-suites.ts';

describe('ssl_cipher_suite / ssl_protocols', () => {
  it('intermediate (default) is TLS 1.2–1.3 with ECDHE AEAD ciphers, client order', () => {
    const options = protocolOptions({ ssl_cipher_suite: 'intermediate', ssl_ciphers: null, ssl_protocols: 'TLSv1.2 TLSv1.3' });
    assert.equal(options.minVersion, 'TLSv1.2');
    assert.equal(options.maxVersion, 'TLSv1.3');
    assert.match(options.ciphers!, /^ECDHE-ECDSA-AES128-GCM-SHA256:/);
    assert.ok(!options.ciphers!.includes('CBC') && !options.ciphers!.includes('DES'));
    assert.equal(options.honorCipherOrder, false);
  });

  it('a named suite brings its own protocols; ssl_protocols only counts for custom', () => {
    const modern = protocolOptions({ ssl_cipher_suite: 'modern', ssl_ciphers: null, ssl_protocols: 'TLSv1.2' });
    assert.deepEqual([modern.minVersion, modern.maxVersion, modern.ciphers], ['TLSv1.3', 'TLSv1.3', undefined]);
    const old = protocolOptions({ ssl_cipher_suite: 'old', ssl_ciphers: null, ssl_protocols: 'TLSv1.3' });
    assert.deepEqual([old.minVersion, old.maxVersion, old.honorCipherOrder], ['TLSv1', 'TLSv1.3', true]);
    assert.match(old.ciphers!, /DES-CBC3-SHA$/);
    const custom = protocolOptions({ ssl_cipher_suite: 'custom', ssl_ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', ssl_protocols: 'TLSv1.2' });
    assert.deepEqual([custom.minVersion, custom.maxVersion, custom.ciphers], ['TLSv1.2', 'TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384']);
  });

  it('maps an nginx protocol list to the covering range and refuses unknown names', () => {
    assert.deepEqual(protocolRange('TLSv1.1 TLSv1.2'), { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.2' });
    assert.deepEqual(protocolRange('TLSv1.3,TLSv1.2'), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    assert.throws(() => protocolRange('SSLv3'), /invalid ssl_protocols 'SSLv3'/);
  });
});
