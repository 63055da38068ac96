// DB-less Admin API: code-12 write refusals (kong-core §2.6) and /config (§6.4).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call } from '../../src/admin/testing/harness.ts';
import type { Harness } from '../../src/admin/testing/harness.ts';

const YAML = '_format_version: "3.0"\nservices:\n- name: s1\n  host: example.com\n  routes:\n  - name: r1\n    paths: [/a]\n';
const INVALID = { _format_version: '3.0', services: [{ name: 'x', port: 99999 }] };

let admin: Harness;
before(async () => { admin = await startHarness({ database: 'off' }); });
after(() => admin.close());

const api = (method: string, path: string, init: Parameters<typeof call>[3] = {}) => call(admin.url, method, path, init);
const postYaml = (text: string, query = '') => api('POST', `/config${query}`, { body: text, headers: { 'content-type': 'application/yaml' } });

function unsupported(message: string) {
  return { code: 12, name: 'operation unsupported', message };
}

test('POST /config with YAML loads the configuration and answers the flattened entities', async () => {
  const res = await postYaml(YAML);
  assert.equal(res.status, 201, res.text);
  const services = Object.values(res.body.services) as Array<{ id: string; name: string }>;
  assert.equal(services.length, 1);
  assert.equal(services[0]!.name, 's1');
  assert.equal(res.body.services[services[0]!.id].host, 'example.com');
  assert.equal(Object.keys(res.body.routes).length, 1);
  assert.equal(res.body.workspaces, undefined);
  assert.match(admin.hash() ?? '', /^[0-9a-f]{32}$/);
  const listed = await api('GET', '/services');
  assert.deepEqual(listed.body.data.map((s: { name: string }) => s.name), ['s1'], 'reads see the new store');
  const exported = await api('GET', '/config');
  assert.equal(exported.status, 200);
  assert.match(exported.body.config, /_format_version: "3\.0"/);
  assert.match(exported.body.config, /name: s1/);
});

test('check_hash=1 answers 304 when the same text is posted again', async () => {
  const text = YAML.replace('s1', 's-hash');
  assert.equal((await postYaml(text, '?check_hash=1')).status, 201);
  const before = admin.applied.length;
  const again = await postYaml(text, '?check_hash=1');
  assert.equal(again.status, 304);
  assert.equal(admin.applied.length, before, 'nothing re-applied');
  assert.equal((await postYaml(text, '?check_hash=true')).status, 201, 'only the literal 1 counts');
  const inForm = await api('POST', '/config', {
    body: new URLSearchParams({ config: text, check_hash: '1' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(inForm.status, 304, 'options may also come as body fields');
});

test('config as a JSON document, a config= form field or a multipart file', async () => {
  const json = await api('POST', '/config', { json: { _format_version: '3.0', consumers: [{ username: 'json-user' }] } });
  assert.equal(json.status, 201, json.text);
  assert.equal((Object.values(json.body.consumers)[0] as { username: string }).username, 'json-user');
  const asString = await api('POST', '/config', { json: { config: YAML.replace('s1', 'from-json-string') } });
  assert.equal(asString.status, 201);
  const form = await api('POST', '/config', {
    body: new URLSearchParams({ config: YAML.replace('s1', 'from-form') }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.status, 201, form.text);
  assert.equal((await api('GET', '/services/from-form')).status, 200);
  const multipart = new FormData();
  multipart.set('config', new Blob([YAML.replace('s1', 'from-file')]), 'kong.yml');
  const file = await api('POST', '/config', { body: multipart });
  assert.equal(file.status, 201, file.text);
  assert.equal((await api('GET', '/services/from-file')).status, 200);
});

test('an invalid configuration → 400 code 14, flatten_errors adds flattened_errors, nothing applied', async () => {
  const before = admin.applied.length;
  const res = await api('POST', '/config', { json: INVALID });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 14);
  assert.equal(res.body.name, 'invalid declarative configuration');
  assert.deepEqual(res.body.fields, { services: [{ host: 'required field missing', port: 'value should be between 0 and 65535' }] });
  assert.equal(res.body.flattened_errors, undefined);
  const flat = await api('POST', '/config?flatten_errors=1', { json: INVALID });
  assert.equal(flat.body.flattened_errors[0].entity_type, 'service');
  assert.equal(flat.body.flattened_errors[0].entity_name, 'x');
  const garbage = await postYaml('- just\n- a list\n');
  assert.equal(garbage.status, 400);
  assert.equal(garbage.body.code, 14);
  assert.equal(admin.applied.length, before);
  const missing = await api('POST', '/config');
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.body, { message: 'expected a declarative configuration' });
  // A JSON body without _format_version is parsed as text, so the document itself is reported.
  assert.deepEqual((await api('POST', '/config', { json: {} })).body.fields, { _format_version: 'required field missing' });
});

test('DB-less writes answer 405 code 12 after lookups and validation', async () => {
  await postYaml(YAML);
  const id = (await api('GET', '/services/s1')).body.id as string;
  assert.deepEqual((await api('POST', '/services', { json: { host: 'h' } })).body, unsupported("cannot create 'services' entities when not using a database"));
  assert.equal((await api('POST', '/services', { json: { host: 'h' } })).status, 405);
  assert.deepEqual((await api('POST', '/services/s1/routes', { json: { paths: ['/x'] } })).body, unsupported("cannot create 'routes' entities when not using a database"));
  assert.deepEqual((await api('PATCH', '/services/s1', { json: { retries: 1 } })).body, unsupported("cannot update 'services' entities by 'name' when not using a database"));
  assert.deepEqual((await api('PATCH', `/services/${id}`, { json: { retries: 1 } })).body, unsupported("cannot update 'services' entities when not using a database"));
  assert.deepEqual((await api('PUT', '/services/s1', { json: { host: 'h' } })).body, unsupported("cannot create or update 'services' entities by 'name' when not using a database"));
  assert.deepEqual((await api('PUT', `/services/${id}`, { json: { host: 'h' } })).body, unsupported("cannot create or update 'services' entities when not using a database"));
  assert.deepEqual((await api('DELETE', '/routes/r1')).body, unsupported("cannot remove 'routes' entities by 'name' when not using a database"));
  // Kong's DAO looks first: a missing entity is 404 for PATCH and an idempotent 204 for DELETE,
  // an invalid body is a schema violation.
  assert.equal((await api('PATCH', '/services/ghost', { json: { retries: 1 } })).status, 404);
  assert.equal((await api('DELETE', '/services/ghost')).status, 204);
  assert.equal((await api('POST', '/services', { json: { port: 'x' } })).body.code, 2);
  assert.equal((await api('GET', '/services/s1')).body.retries, 5, 'nothing changed');
});

test('/status in DB-less mode reports the configuration hash', async () => {
  const res = await api('GET', '/status');
  assert.equal(res.status, 200);
  assert.equal(res.body.configuration_hash, admin.hash());
  assert.equal(res.body.database, undefined);
  assert.match(res.body.memory.workers_lua_vms[0].http_allocated_gc, /^\d+\.\d{2} MiB$/);
  assert.equal(typeof res.body.server.total_requests, 'number');
  assert.ok(res.body.server.connections_accepted >= 1);
});

test('/config is refused when a database is configured', async () => {
  const withDb = await startHarness({ database: 'sqlite' });
  try {
    const message = { message: 'this endpoint is only available when Kong is configured to not use a database' };
    assert.deepEqual((await call(withDb.url, 'GET', '/config')).body, message);
    const posted = await call(withDb.url, 'POST', '/config', { body: YAML, headers: { 'content-type': 'application/yaml' } });
    assert.equal(posted.status, 400);
    assert.deepEqual(posted.body, message);
    const status = await call(withDb.url, 'GET', '/status?unit=k&scale=1');
    assert.deepEqual(status.body.database, { reachable: true });
    assert.equal(status.body.configuration_hash, undefined);
    assert.match(status.body.memory.workers_lua_vms[0].http_allocated_gc, /^\d+\.\d KiB$/);
    assert.equal(typeof (await call(withDb.url, 'GET', '/status?unit=b')).body.memory.workers_lua_vms[0].http_allocated_gc, 'number');
    assert.equal((await call(withDb.url, 'GET', '/status?unit=x')).status, 400);
  } finally {
    await withDb.close();
  }
});

test('a load in progress → 429 with Retry-After; a failed apply → 504/500, old configuration kept', async () => {
  let release: () => void = () => {};
  let failWith: string | null = null;
  const slow = await startHarness({
    beforeApply: async () => {
      if (failWith !== null) throw new Error(failWith);
      await new Promise<void>((resolve) => { release = resolve; });
    },
  });
  try {
    const post = () => call(slow.url, 'POST', '/config', { body: YAML, headers: { 'content-type': 'application/yaml' } });
    const first = post();
    await new Promise((r) => setTimeout(r, 50));
    const busy = await post();
    assert.equal(busy.status, 429);
    assert.deepEqual(busy.body, { message: 'Currently loading previous configuration' });
    assert.equal(busy.headers.get('retry-after'), '1');
    release();
    assert.equal((await first).status, 201);
    failWith = 'worker 1 timed out';
    const timedOut = await post();
    assert.equal(timedOut.status, 504);
    assert.deepEqual(timedOut.body, { message: 'Timed out while loading configuration' });
    failWith = 'boom';
    assert.equal((await post()).status, 500);
    assert.equal(slow.applied.length, 1);
  } finally {
    await slow.close();
  }
});
