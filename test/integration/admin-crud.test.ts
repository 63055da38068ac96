// Generated entity endpoints with a writable store (database != off): spec kong-core §2.2/§2.3,
// §1.11 delete semantics, §2.5 special cases.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call } from '../../src/admin/testing/harness.ts';
import type { Harness } from '../../src/admin/testing/harness.ts';

let admin: Harness;
before(async () => { admin = await startHarness({ database: 'sqlite' }); });
after(() => admin.close());

const api = (method: string, path: string, json?: unknown) => call(admin.url, method, path, json === undefined ? {} : { json });

const CERT = `-----BEGIN CERTIFICATE-----
MIIBhjCCASugAwIBAgIUQQdmdPykhQ34v20oKkyp7Fup8W0wCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMcG9ydGljby50ZXN0MCAXDTI2MTEyNjA1MjI1NloYDzIxMjYx
MTAyMDUyMjU2WjAXMRUwEwYDVQQDDAxwb3J0aWNvLnRlc3QwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAR12B8LjMKZ6hHHIHuSxl8Bc2h8hyLpIMTxbaJioBADvxgv
LafAIQRripVo1TWKIcnRiCNowaNpFV8QGGY9Ct/no1MwUTAdBgNVHQ4EFgQUhp9u
P94qCWYSd3AeTPTa43IK2vcwHwYDVR0jBBgwFoAUhp9uP94qCWYSd3AeTPTa43IK
2vcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA/vvUpVUwSRfM
1WpNZo56LUS+AEYhJJ3QeVcReLDSxdMCIQDevjXW8gkZ5p5vRpSHiTs03O3YF+lo
nj0pb5+l+ECZMQ==
-----END CERTIFICATE-----`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgv4m4m+19niCEdlFG
gv6kcDgZw1jZpVvPQJ6v2jpEmwChRANCAAR12B8LjMKZ6hHHIHuSxl8Bc2h8hyLp
IMTxbaJioBADvxgvLafAIQRripVo1TWKIcnRiCNowaNpFV8QGGY9Ct/n
-----END PRIVATE KEY-----`;

test('POST 201, GET by id and by name, unique name → 409', async () => {
  const created = await api('POST', '/services', { name: 'crud-a', url: 'http://example.com:8080/p' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.port, 8080);
  assert.equal(created.body.path, '/p');
  assert.equal((await api('GET', `/services/${created.body.id}`)).body.name, 'crud-a');
  assert.equal((await api('GET', '/services/crud-a')).body.id, created.body.id);
  assert.deepEqual((await api('GET', '/services/missing')).body, { message: 'Not found' });
  const dup = await api('POST', '/services', { name: 'crud-a', host: 'other' });
  assert.equal(dup.status, 409);
  assert.deepEqual(dup.body, { code: 5, name: 'unique constraint violation', message: 'UNIQUE violation detected on \'{name="crud-a"}\'', fields: { name: 'crud-a' } });
});

test('schema violations answer 400 with the err_t body', async () => {
  const res = await api('POST', '/services', { name: 'bad', host: 'h', port: 70000, foo: 1 });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 2);
  assert.equal(res.body.name, 'schema violation');
  assert.equal(res.body.fields.port, 'value should be between 0 and 65535');
  assert.equal(res.body.fields.foo, 'unknown field');
  assert.equal((await api('GET', '/services/bad')).status, 404, 'nothing written');
});

test('foreign keys: unknown id → 400 code 4, unknown name → 400 code 13', async () => {
  const id = '6f4c8e2a-1b3d-4c5e-8f70-9a1b2c3d4e5f';
  const byId = await api('POST', '/routes', { paths: ['/fk'], service: { id } });
  assert.equal(byId.status, 400);
  assert.equal(byId.body.code, 4);
  assert.equal(byId.body.message, `the foreign key '{id="${id}"}' does not reference an existing 'services' entity.`);
  const byName = await api('POST', '/routes', { paths: ['/fk'], service: { name: 'ghost' } });
  assert.equal(byName.status, 400);
  assert.equal(byName.body.code, 13);
  assert.equal(byName.body.name, 'foreign keys unresolved');
  const svc = await api('POST', '/services', { name: 'fk-svc', host: 'h' });
  const ok = await api('POST', '/routes', { paths: ['/fk'], service: { name: 'fk-svc' } });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.body.service, { id: svc.body.id });
});

test('nested endpoints: list/create under a parent, child must belong, parent seen from the child', async () => {
  const svc = (await api('POST', '/services', { name: 'nest', host: 'h' })).body;
  const other = (await api('POST', '/services', { name: 'nest-other', host: 'h' })).body;
  const route = await api('POST', '/services/nest/routes', { name: 'nested-r', paths: ['/n'], service: { id: other.id } });
  assert.equal(route.status, 201);
  assert.deepEqual(route.body.service, { id: svc.id }, 'the URL parent wins');
  assert.deepEqual((await api('GET', '/services/nest/routes')).body, { data: [route.body], next: null });
  assert.equal((await api('GET', '/services/nest/routes/nested-r')).status, 200);
  assert.equal((await api('GET', '/services/nest-other/routes/nested-r')).status, 404);
  assert.equal((await api('GET', '/services/nobody/routes')).status, 404);
  assert.equal((await api('POST', '/services/nobody/routes', { paths: ['/z'] })).status, 404);
  assert.equal((await api('GET', '/routes/nested-r/service')).body.id, svc.id);
  const patched = await api('PATCH', '/routes/nested-r/service', { retries: 2 });
  assert.equal(patched.body.retries, 2);
  assert.equal((await api('DELETE', '/routes/nested-r/service')).status, 405);
  const orphan = (await api('POST', '/routes', { name: 'orphan', paths: ['/o'] })).body;
  assert.equal((await api('GET', `/routes/${orphan.id}/service`)).status, 404);
  const linked = await api('PUT', '/routes/orphan/service', { name: 'made-by-put', host: 'h2' });
  assert.equal(linked.status, 200, linked.text);
  assert.deepEqual((await api('GET', '/routes/orphan')).body.service, { id: linked.body.id });
});

test('PUT upserts (200 on create and replace, omitted fields reset, URL key wins)', async () => {
  const first = await api('PUT', '/services/put-svc', { name: 'ignored', host: 'a.example', retries: 1 });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.name, 'put-svc');
  const second = await api('PUT', '/services/put-svc', { host: 'b.example' });
  assert.equal(second.status, 200);
  assert.equal(second.body.id, first.body.id);
  assert.equal(second.body.host, 'b.example');
  assert.equal(second.body.retries, 5, 'omitted fields go back to defaults');
  const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
  const byId = await api('PUT', `/services/${id}`, { host: 'c.example' });
  assert.equal(byId.status, 200);
  assert.equal(byId.body.id, id);
});

test('PATCH merges and revalidates; a missing entity → 404 code 6', async () => {
  const svc = (await api('POST', '/services', { name: 'patch-me', host: 'h', retries: 3 })).body;
  const res = await api('PATCH', '/services/patch-me', { port: 81 });
  assert.equal(res.status, 200);
  assert.equal(res.body.port, 81);
  assert.equal(res.body.retries, 3);
  assert.equal((await api('PATCH', '/services/patch-me', { port: -1 })).status, 400);
  const missing = await api('PATCH', '/services/no-such', { port: 1 });
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { code: 6, name: 'not found', message: 'could not find the entity with \'{name="no-such"}\'', fields: { name: 'no-such' } });
  const id = '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d';
  const missingId = await api('PATCH', `/services/${id}`, { port: 1 });
  assert.equal(missingId.body.message, `could not find the entity with primary key '{id="${id}"}'`);
  assert.equal(svc.name, 'patch-me');
});

test('DELETE: idempotent 204, restrict for services with routes, cascade for targets', async () => {
  assert.equal((await api('DELETE', '/services/never-existed')).status, 204);
  await api('POST', '/services', { name: 'restricted', host: 'h' });
  await api('POST', '/services/restricted/routes', { paths: ['/r'] });
  const refused = await api('DELETE', '/services/restricted');
  assert.equal(refused.status, 400);
  assert.equal(refused.body.message, "an existing 'routes' entity references this 'services' entity");
  assert.deepEqual(refused.body.fields, { '@referenced_by': 'routes' });
  await api('POST', '/upstreams', { name: 'up-cascade' });
  const target = await api('POST', '/upstreams/up-cascade/targets', { target: '10.0.0.1' });
  assert.equal(target.status, 201, target.text);
  assert.equal(target.body.target, '10.0.0.1:8000');
  assert.equal((await api('DELETE', '/upstreams/up-cascade')).status, 204);
  assert.equal((await admin.store().select('targets', target.body.id)), null);
});

test('targets live under upstreams only', async () => {
  await api('POST', '/upstreams', { name: 'up-t' });
  const a = (await api('POST', '/upstreams/up-t/targets', { target: 'a.example:80', weight: 10 })).body;
  await api('POST', '/upstreams/up-t/targets', { target: 'b.example' });
  assert.equal((await api('GET', '/targets')).status, 404);
  const list = await api('GET', '/upstreams/up-t/targets');
  assert.equal(list.body.data.length, 2);
  assert.equal(list.body.next, null);
  assert.equal((await api('GET', '/upstreams/up-t/targets/all')).body.data.length, 2);
  assert.equal((await api('GET', '/upstreams/up-t/targets/a.example:80')).body.id, a.id);
  assert.equal((await api('GET', '/upstreams/up-t/targets/b.example')).body.target, 'b.example:8000');
  assert.equal((await api('PUT', '/upstreams/up-t/targets/a.example:80', { weight: 5 })).body.weight, 5);
  assert.equal((await api('PUT', '/upstreams/up-t/targets/zzz:1', { weight: 5 })).status, 404);
  assert.equal((await api('DELETE', `/upstreams/up-t/targets/${a.id}`)).status, 204);
  assert.equal((await api('GET', '/upstreams/up-t/targets')).body.data.length, 1);
  assert.equal((await api('GET', '/upstreams/nope/targets')).status, 404);
});

test('consumers?custom_id= finds one consumer', async () => {
  const c = (await api('POST', '/consumers', { username: 'alice', custom_id: 'c-1' })).body;
  assert.deepEqual((await api('GET', '/consumers?custom_id=c-1')).body, { data: [c], next: null });
  assert.deepEqual((await api('GET', '/consumers?custom_id=none')).body, { data: [], next: null });
  const bad = await api('GET', '/consumers?custom_id=');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body, { message: 'custom_id must be an unempty string' });
});

test('certificates carry their SNIs and can be addressed by SNI name', async () => {
  const cert = await api('POST', '/certificates', { cert: CERT, key: KEY, snis: ['b.portico.test', 'a.portico.test'] });
  assert.equal(cert.status, 201, cert.text);
  assert.deepEqual(cert.body.snis, ['a.portico.test', 'b.portico.test']);
  assert.equal((await api('GET', '/certificates/a.portico.test')).body.id, cert.body.id);
  assert.deepEqual((await api('GET', '/certificates/unknown.test')).body, { message: 'SNI not found' });
  assert.equal((await api('GET', `/certificates/${cert.body.id}/snis`)).body.data.length, 2);
  assert.equal((await api('GET', '/snis/a.portico.test/certificate')).status, 404);
  const clash = await api('POST', '/certificates', { cert: CERT, key: KEY, snis: ['a.portico.test'] });
  assert.equal(clash.status, 400);
  assert.equal(clash.body.fields.snis, `a.portico.test already associated with existing certificate '${cert.body.id}'`);
  const patched = await api('PATCH', '/certificates/b.portico.test', { snis: ['c.portico.test'] });
  assert.deepEqual(patched.body.snis, ['c.portico.test']);
  const byPut = await api('PUT', '/certificates/new.portico.test', { cert: CERT, key: KEY });
  assert.equal(byPut.status, 200, byPut.text);
  assert.deepEqual(byPut.body.snis, ['new.portico.test']);
  // Deleting takes the SNIs along, unless a service still uses the certificate (restrict).
  const svc = (await api('POST', '/services', { protocol: 'https', host: 'h', client_certificate: { id: byPut.body.id } })).body;
  const restricted = await api('DELETE', '/certificates/new.portico.test');
  assert.equal(restricted.status, 400);
  assert.deepEqual(restricted.body.fields, { '@referenced_by': 'services' });
  assert.equal((await api('GET', '/snis/new.portico.test')).status, 200, 'SNIs kept when the delete fails');
  await api('DELETE', `/services/${svc.id}`);
  assert.equal((await api('DELETE', '/certificates/new.portico.test')).status, 204);
  assert.equal((await api('GET', '/snis/new.portico.test')).status, 404);
  assert.equal((await api('GET', `/certificates/${byPut.body.id}`)).status, 404);
});

test('/schemas and validate endpoints', async () => {
  const schema = await api('GET', '/schemas/services');
  assert.equal(schema.status, 200);
  assert.ok(schema.body.fields.some((f: Record<string, unknown>) => 'host' in f));
  assert.deepEqual((await api('GET', '/schemas/nothing')).body, { message: "No entity named 'nothing'" });
  assert.deepEqual((await api('GET', '/schemas/plugins/nothing')).body, { message: "No plugin named 'nothing'" });
  const valid = await api('POST', '/schemas/services/validate', { host: 'h' });
  assert.deepEqual(valid.body, { message: 'schema validation successful' });
  const invalid = await api('POST', '/schemas/services/validate', { port: 1 });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.fields.host, 'required field missing');
  assert.equal((await api('GET', '/services/validate-never-written')).status, 404);
});
