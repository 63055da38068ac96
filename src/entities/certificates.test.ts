import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { entityDefinitions } from './index.ts';
import { errorBody } from './test-helpers.ts';
import { CA_CERT, CA_KEY, EC_CERT, EC_KEY, EXPIRED_CERT, LEAF_CERT, LEAF_KEY, OTHER_KEY } from './test-fixtures.ts';

const { certificates, snis, ca_certificates: caCertificates } = entityDefinitions;
const CERT_ID = { id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' };

test('a matching cert/key pair is accepted; snis are output sorted', () => {
  const row = certificates.validate({ cert: LEAF_CERT, key: LEAF_KEY, snis: ['b.test', 'a.test'] }, 'insert');
  assert.deepEqual(row.snis, ['a.test', 'b.test']);
  assert.equal(row.cert_alt, null);
  assert.deepEqual(certificates.validate({ cert: LEAF_CERT, key: LEAF_KEY }, 'insert').snis, []);
  assert.deepEqual(certificates.transientFields, ['snis']);
});

test('certificate does not match key', () => {
  assert.deepEqual(errorBody(certificates, { cert: LEAF_CERT, key: OTHER_KEY }), {
    code: 2, name: 'schema violation',
    message: 'schema violation (certificate does not match key)',
    fields: { '@entity': ['certificate does not match key'] },
  });
});

test('alternative pair: mutually required, must match, must differ in type', () => {
  assert.deepEqual(errorBody(certificates, { cert: LEAF_CERT, key: LEAF_KEY, cert_alt: EC_CERT }).fields,
    { '@entity': ["all or none of these fields must be set: 'cert_alt', 'key_alt'"] });
  assert.deepEqual(errorBody(certificates, { cert: LEAF_CERT, key: LEAF_KEY, cert_alt: EC_CERT, key_alt: LEAF_KEY }).fields,
    { '@entity': ['alternative certificate does not match key'] });
  assert.deepEqual(errorBody(certificates, { cert: LEAF_CERT, key: LEAF_KEY, cert_alt: CA_CERT, key_alt: CA_KEY }).fields, {
    '@entity': ['certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type'],
  });
  const ok = certificates.validate({ cert: LEAF_CERT, key: LEAF_KEY, cert_alt: EC_CERT, key_alt: EC_KEY }, 'insert');
  assert.equal(ok.key_alt, EC_KEY);
});

test('bad PEM, missing fields, duplicated and invalid snis', () => {
  const body = errorBody(certificates, { cert: 'nope', key: LEAF_KEY });
  assert.match(body.fields.cert as string, /^invalid certificate: /);
  assert.deepEqual(errorBody(certificates, {}).fields, { cert: 'required field missing', key: 'required field missing' });
  assert.deepEqual(errorBody(certificates, { cert: LEAF_CERT, key: LEAF_KEY, snis: ['a.test', 'a.test'] }).fields,
    { snis: 'a.test is duplicated' });
  assert.deepEqual(errorBody(certificates, { cert: LEAF_CERT, key: LEAF_KEY, snis: ['10.0.0.1'] }).fields,
    { snis: ['must not be an IP'] });
});

test('snis entity: wildcard names, catch-all, certificate required', () => {
  assert.equal(snis.validate({ name: '*.example.com', certificate: CERT_ID }, 'insert').name, '*.example.com');
  assert.equal(snis.validate({ name: '*', certificate: CERT_ID }, 'insert').name, '*');
  assert.deepEqual(errorBody(snis, { name: 'a.*.com', certificate: CERT_ID }).fields,
    { name: 'wildcard must be leftmost or rightmost character' });
  assert.deepEqual(errorBody(snis, { name: 'a.com:443', certificate: CERT_ID }).fields, { name: 'must not have a port' });
  assert.deepEqual(errorBody(snis, { name: 'a.com' }).fields, { certificate: 'required field missing' });
  assert.equal(snis.endpointKey, 'name');
  assert.deepEqual(snis.foreignKeys, [{ field: 'certificate', reference: 'certificates', onDelete: 'restrict' }]);
});

test('ca_certificates: one CA cert, digest computed', () => {
  const row = caCertificates.validate({ cert: CA_CERT }, 'insert');
  const der = new X509Certificate(CA_CERT).raw;
  assert.equal(row.cert_digest, createHash('sha256').update(der).digest('hex'));
  assert.deepEqual(errorBody(caCertificates, { cert: LEAF_CERT }).fields,
    { '@entity': ['certificate does not appear to be a CA because it is missing the "CA" basic constraint'] });
  assert.deepEqual(errorBody(caCertificates, { cert: CA_CERT + CA_CERT }).fields,
    { '@entity': ['please submit only one certificate at a time'] });
  assert.deepEqual(errorBody(caCertificates, { cert: EXPIRED_CERT }).fields,
    { '@entity': ['certificate expired, "Not After" time is in the past'] });
  assert.equal(caCertificates.adminPath, 'ca_certificates');
  assert.equal(caCertificates.endpointKey, null);
});

test('vault references are accepted for referenceable PEM fields only', () => {
  const row = certificates.validate({ cert: '{vault://env/cert}', key: '{vault://env/key}' }, 'insert');
  assert.equal(row.cert, '{vault://env/cert}');
  assert.match(errorBody(caCertificates, { cert: '{vault://env/ca}' }).fields.cert as string, /^invalid certificate: /);
});
