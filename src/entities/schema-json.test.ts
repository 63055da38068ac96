import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions } from './index.ts';

test('/schemas/services shape', () => {
  const json = entityDefinitions.services.schemaJson() as { fields: Array<Record<string, any>>; entity_checks: unknown[] };
  const names = json.fields.map((f) => Object.keys(f)[0]);
  assert.deepEqual(names.slice(0, 6), ['id', 'created_at', 'updated_at', 'name', 'retries', 'protocol']);
  assert.equal(names.includes('url'), false, 'shorthands are input-only');
  assert.deepEqual(json.fields[1], { created_at: { type: 'integer', timestamp: true, auto: true } });
  assert.deepEqual(json.fields[4], { retries: { type: 'integer', default: 5, between: [0, 32767] } });
  const port = json.fields.find((f) => 'port' in f)!.port;
  assert.deepEqual(port, { type: 'integer', between: [0, 65535], required: true, default: 80 });
  const cert = json.fields.find((f) => 'client_certificate' in f)!.client_certificate;
  assert.deepEqual(cert, { type: 'foreign', reference: 'certificates' });
  assert.deepEqual(json.entity_checks[0], {
    conditional: {
      if_field: 'protocol', if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] },
      then_field: 'path', then_match: { eq: null },
    },
  });
  assert.equal(json.entity_checks.length, 5);
});

test('custom entity checks are left out, canonical ones kept', () => {
  const consumers = entityDefinitions.consumers.schemaJson() as { entity_checks: unknown[] };
  assert.deepEqual(consumers.entity_checks, [{ at_least_one_of: ['custom_id', 'username'] }]);
  const certs = entityDefinitions.certificates.schemaJson() as { entity_checks: unknown[] };
  assert.deepEqual(certs.entity_checks, [{ mutually_required: ['cert_alt', 'key_alt'] }]);
  const upstreams = entityDefinitions.upstreams.schemaJson() as { fields: Array<Record<string, any>> };
  const hc = upstreams.fields.find((f) => 'healthchecks' in f)!.healthchecks;
  assert.equal(hc.type, 'record');
  assert.deepEqual(hc.fields.map((f: object) => Object.keys(f)[0]), ['active', 'passive', 'threshold']);
});
