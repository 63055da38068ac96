// Custom plugins end to end without HTTP: loading by name from a directory or an npm package,
// schema registration (what /schemas/plugins/{name} and plugin validation use), and running
// both example plugins — a Portico-native one and one written for Kong's `kong-pdk` contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KongError } from '../src/core/errors.ts';
import { getPluginSchema, pluginSchemaFor } from '../src/entities/index.ts';
import { definePlugin } from '../src/pdk/index.ts';
import {
  createPluginHarness, createPluginRegistry, directoryLoader, packageLoader, pluginDirectoriesFromPackagePath, pluginRow,
} from '../src/pipeline/index.ts';
import { makeRoute, makeService } from '../src/router/test-fixtures.ts';
import { toKongSchemaJson, validateEntity } from '../src/schema/index.ts';

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../examples');
const service = makeService({ name: 'examples' });
const route = makeRoute({ name: 'examples', paths: ['/'], service: { id: service.id } });

function validConfig(name: string, config: Record<string, unknown>): Record<string, unknown> {
  const schema = pluginSchemaFor(getPluginSchema(name)!);
  return validateEntity(schema, { name, config }, 'insert').config as Record<string, unknown>;
}

test('plugins are loaded by name from a directory and their schemas registered like bundled ones', async () => {
  const registry = await createPluginRegistry(['add-header', 'kong-pdk-hello'], [directoryLoader(EXAMPLES)]);
  assert.deepEqual(registry.plugins.map((plugin) => [plugin.name, plugin.priority, plugin.bundled]), [
    ['add-header', 900, false], ['kong-pdk-hello', 0, false],
  ]);
  assert.equal(registry.get('kong-pdk-hello')?.definition.version, '0.1.0');
  // Defaults filled, Kong's error text for a bad value.
  assert.deepEqual(validConfig('kong-pdk-hello', {}), { message: 'hello', deny_message: 'denied', limits: { max: 10 } });
  assert.throws(
    () => validConfig('kong-pdk-hello', { limits: { max: 1000 } }),
    (error: unknown) => error instanceof KongError && JSON.stringify(error.fields).includes('value should be between 1 and 100'),
  );
  const json = toKongSchemaJson(pluginSchemaFor(getPluginSchema('add-header')!));
  assert.ok(JSON.stringify(json).includes('"header_name"'));
});

test('a kong-pdk style plugin runs in-process: camelCase awaits, ctx.shared get/set, exit, log', async () => {
  const registry = await createPluginRegistry(['kong-pdk-hello'], [directoryLoader(EXAMPLES)]);
  const definition = registry.get('kong-pdk-hello')!.definition;
  const config = validConfig('kong-pdk-hello', { message: 'hi' });
  const harness = await createPluginHarness({ plugins: [definition], rows: [pluginRow('kong-pdk-hello', config)] });
  const ok = await harness.request({ route, service, headers: { host: 'example.test' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['x-hello-from-javascript'], 'hi to example.test');
  assert.equal(ok.ctx.upstream.headers.get('x-hello'), 'hi example.test');
  assert.ok(harness.logLines.some((line) => line.includes('greeted example.test') && line.includes('"plugin":"kong-pdk-hello"')));

  const denied = await harness.request({ route, service, headers: { host: 'example.test', 'x-deny': '1' } });
  assert.equal(denied.status, 403);
  assert.equal(denied.body, '{"message":"denied"}');
  const missing = await harness.request({ route, service });
  assert.equal(missing.status, 400);
  assert.ok(harness.logLines.some((line) => line.includes('"msg":"no host header"')));
});

test('the Portico-native example adds its header only on configured paths', async () => {
  const registry = await createPluginRegistry(['add-header'], [directoryLoader(EXAMPLES)]);
  const config = validConfig('add-header', { header_value: 'v1', only_for_paths: ['/yes'] });
  const harness = await createPluginHarness({ plugins: [registry.get('add-header')!.definition], rows: [pluginRow('add-header', config)] });
  const yes = await harness.request({ route, service, path: '/yes' });
  assert.equal(yes.headers['x-added'], 'v1');
  assert.equal(yes.ctx.upstream.headers.get('x-added'), 'v1');
  const no = await harness.request({ route, service, path: '/no' });
  assert.equal(no.headers['x-added'], undefined);
});

test('npm packages load by name (or portico-plugin-<name>); unknown names fail like Kong', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'portico-plugin-pkg-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const packageDir = join(root, 'node_modules', 'portico-plugin-pkg-demo');
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'portico-plugin-pkg-demo', type: 'module', main: 'index.js' }));
  writeFileSync(join(packageDir, 'index.js'), [
    'export const plugin = { name: "x", version: "2.0.0", priority: 7,',
    '  schema: { config: { type: "record", fields: {} } },',
    '  access(kong) { kong.response.set_header("X-Pkg", "yes"); } };',
  ].join('\n'));
  const registry = await createPluginRegistry(['pkg-demo'], [packageLoader(root)]);
  assert.equal(registry.get('pkg-demo')?.definition.version, '2.0.0');
  assert.ok(getPluginSchema('pkg-demo'));

  await assert.rejects(createPluginRegistry(['does-not-exist'], [directoryLoader(EXAMPLES), packageLoader(root)]), {
    message: "does-not-exist plugin is enabled but not installed;\nno plugin module named 'does-not-exist' was found",
  });
  await assert.rejects(createPluginRegistry(['../examples'], [directoryLoader(EXAMPLES)]), /not installed/);
});

test("'bundled' expands to the bundled list and 'off' loads nothing", async () => {
  const bundled = [definePlugin({ name: 't-bundled-a', version: '3.10.0', priority: 10, schema: { config: { type: 'record', fields: {} } } })];
  const on = await createPluginRegistry(['bundled', 'add-header'], [directoryLoader(EXAMPLES)], { bundled });
  assert.deepEqual(on.plugins.map((plugin) => plugin.name), ['add-header', 't-bundled-a']);
  assert.equal(on.get('t-bundled-a')?.bundled, true);
  const off = await createPluginRegistry(['off'], [], { bundled });
  assert.equal(off.plugins.length, 0);
  await assert.rejects(createPluginRegistry(['off', 'add-header'], []), /'off' cannot be used/);
  assert.deepEqual(pluginDirectoriesFromPackagePath('./?.lua;./?/init.lua;/opt/kong/?.lua;;'), ['.', '/opt/kong']);
});
