import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'redirect', config }, 'insert').config as Record<string, unknown>;

async function redirect(config: Record<string, unknown>, request: { path?: string; query?: string } = {}) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('redirect', validate(config), { route: route.id })] });
  return harness.request({ route, service, ...request });
}

test('defaults to 301 with Location and the plain body "redirecting"', async () => {
  const result = await redirect({ location: 'https://new.example/landing?from=old' }, { path: '/a/b', query: 'x=1' });
  assert.equal(result.status, 301);
  assert.equal(result.proxied, false);
  assert.equal(result.body, 'redirecting');
  assert.equal(result.headers.location, 'https://new.example/landing?from=old');
});

test('keep_incoming_path replaces the path and query; custom status code', async () => {
  const result = await redirect({ location: 'https://new.example/landing?from=old', keep_incoming_path: true, status_code: 308 },
    { path: '/a/b', query: 'x=1&y=2' });
  assert.equal(result.status, 308);
  assert.equal(result.headers.location, 'https://new.example/a/b?x=1&y=2');
  const noQuery = await redirect({ location: 'http://new.example:8080/old?q=1', keep_incoming_path: true }, { path: '/p' });
  assert.equal(noQuery.headers.location, 'http://new.example:8080/p');
});

test('schema: location is required and must be a URL; status_code between 100 and 599', () => {
  assert.throws(() => validate({}), /required field missing/);
  assert.throws(() => validate({ location: 'not a url' }), /location/);
  assert.throws(() => validate({ location: 'https://a.test', status_code: 99 }), /value should be between 100 and 599/);
});
