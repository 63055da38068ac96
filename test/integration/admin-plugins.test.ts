// Plugins through the Admin API: creation on every scope, form inference of `config.*` from the
// plugin's own schema, cache-key uniqueness, plugin schemas and node information.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerPluginSchema } from '../../src/entities/index.ts';
import { startHarness, call } from '../../src/admin/testing/harness.ts';
import type { Harness } from '../../src/admin/testing/harness.ts';

// Name unique to this file: the plugin registry is process-wide.
const PLUGIN = 'admin-test-limiter';
registerPluginSchema(PLUGIN, {
  config: {
    type: 'record',
    fields: {
      minute: { type: 'integer', gt: 0 },
      hide_headers: { type: 'boolean', default: false },
      paths: { type: 'array', elements: { type: 'string' } },
    },
  },
});

let admin: Harness;
before(async () => {
  admin = await startHarness({ database: 'sqlite', availablePlugins: { [PLUGIN]: { version: '3.10.0', priority: 910 } } });
});
after(() => admin.close());

const api = (method: string, path: string, json?: unknown) => call(admin.url, method, path, json === undefined ? {} : { json });
const form = (method: string, path: string, body: string) =>
  call(admin.url, method, path, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

test('form-encoded config.* values are inferred from the plugin schema', async () => {
  const res = await form('POST', '/plugins', `name=${PLUGIN}&config.minute=5&config.hide_headers=true&config.paths=/only&instance_name=limiter-form`);
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(res.body.config, { minute: 5, hide_headers: true, paths: ['/only'] });
  assert.equal(res.body.enabled, true);
  // A PATCH without `name` infers `config.*` from the stored plugin's schema.
  const patched = await form('PATCH', '/plugins/limiter-form', 'config.minute=6&config.hide_headers=false');
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.body.config, { minute: 6, hide_headers: false, paths: ['/only'] });
  const bad = await form('POST', '/plugins', `name=${PLUGIN}&config.minute=many`);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.fields, { config: { minute: 'expected an integer' } });
});

test('plugins on a service: scope forced by the URL, cache-key uniqueness, cascade on delete', async () => {
  const svc = (await api('POST', '/services', { name: 'plugged', host: 'h' })).body;
  const created = await api('POST', '/services/plugged/plugins', { name: PLUGIN, config: { minute: 1 } });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.body.service, { id: svc.id });
  const dup = await api('POST', '/plugins', { name: PLUGIN, service: { id: svc.id }, config: { minute: 2 } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.code, 5);
  assert.equal((await api('GET', `/plugins/${created.body.id}/service`)).body.id, svc.id);
  assert.equal((await api('GET', '/services/plugged/plugins')).body.data.length, 1);
  const patched = await api('PATCH', `/plugins/${created.body.id}`, { config: { minute: 7 } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.config.minute, 7);
  assert.equal((await api('DELETE', '/services/plugged')).status, 204);
  assert.equal((await api('GET', `/plugins/${created.body.id}`)).status, 404, 'cascaded');
});

test('an unknown plugin name is a schema violation', async () => {
  const res = await api('POST', '/plugins', { name: 'no-such-plugin' });
  assert.equal(res.status, 400);
  assert.equal(res.body.fields.name, "plugin 'no-such-plugin' not enabled; add it to the 'plugins' configuration property");
});

test('plugin schemas, validation, enabled list and GET / plugin information', async () => {
  const schema = await api('GET', `/schemas/plugins/${PLUGIN}`);
  assert.equal(schema.status, 200);
  const config = schema.body.fields.find((f: Record<string, unknown>) => 'config' in f).config;
  assert.equal(config.type, 'record');
  assert.deepEqual((await api('GET', `/plugins/schema/${PLUGIN}`)).body, config);
  assert.equal((await api('GET', '/plugins/schema/nope')).status, 404);
  assert.deepEqual((await api('POST', '/schemas/plugins/validate', { name: PLUGIN, config: { minute: 3 } })).body, { message: 'schema validation successful' });
  assert.equal((await api('POST', '/schemas/plugins/validate', { name: PLUGIN, config: { minute: 0 } })).status, 400);
  assert.deepEqual((await api('GET', '/plugins/enabled')).body, { enabled_plugins: [PLUGIN] });
  const second = await api('POST', '/plugins', { name: PLUGIN, instance_name: 'global-two', config: { minute: 9 } });
  assert.equal(second.status, 409, 'one global instance per plugin (cache key)');
  const root = await api('GET', '/');
  assert.deepEqual(root.body.plugins.available_on_server, { [PLUGIN]: { version: '3.10.0', priority: 910 } });
  assert.deepEqual(root.body.plugins.enabled_in_cluster, [PLUGIN]);
  assert.equal((await api('GET', '/plugins/limiter-form')).body.config.minute, 6, 'instance_name is the endpoint key');
});

test('debug log level endpoints', async () => {
  assert.deepEqual((await api('GET', '/debug/node/log-level')).body, { message: 'log level: crit' });
  assert.deepEqual((await api('PUT', '/debug/node/log-level/verbose')).body, { message: 'unknown log level: verbose' });
  assert.deepEqual((await api('PUT', '/debug/node/log-level/crit')).body, { message: 'log level is already crit' });
  assert.deepEqual((await api('PUT', '/debug/node/log-level/error?timeout=1')).body, { message: 'log level changed' });
  assert.deepEqual((await api('GET', '/debug/node/log-level')).body, { message: 'log level: error' });
  const dbless = await startHarness({ database: 'off' });
  try {
    const res = await call(dbless.url, 'PUT', '/debug/node/log-level/debug');
    assert.equal(res.status, 405);
    assert.deepEqual(res.body, { message: 'cannot change log level when not using a database' });
  } finally {
    await dbless.close();
  }
});
