import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCertificateTable, normalizeServername, wildcardsOf } from './certificate-table.ts';
import { protocolOptions } from './cipher-suites.ts';

describe('certificate table', () => {
  it('derives the one-label wildcard forms Kong tries', () => {
    assert.deepEqual(wildcardsOf('a.b.example.com'), { leftmost: '*.b.example.com', rightmost: 'a.b.example.*' });
    assert.deepEqual(wildcardsOf('localhost'), { leftmost: null, rightmost: null });
  });

  it('normalises case and a trailing dot', () => {
    assert.equal(normalizeServername('API.Example.COM.'), 'api.example.com');
  });

  it('reports a broken certificate row and serves the rest', () => {
    const errors: string[] = [];
    const table = buildCertificateTable({
      certificates: [{ id: 'bad', created_at: 1, updated_at: 1, cert: 'not a pem', key: 'nope', cert_alt: null, key_alt: null, tags: null }],
      snis: [{ id: 's', created_at: 1, updated_at: 1, name: 'bad.test', certificate: { id: 'bad' }, tags: null }],
    }, protocolOptions({ ssl_cipher_suite: 'intermediate', ssl_ciphers: null, ssl_protocols: 'TLSv1.2 TLSv1.3' }), (id) => errors.push(id));
    assert.deepEqual(errors, ['bad']);
    assert.equal(table.select('bad.test'), null);
    assert.equal(table.size, 0);
  });
});
