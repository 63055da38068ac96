import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow, type HarnessUpstream } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'response-transformer', config }, 'insert').config as Record<string, unknown>;

async function transform(config: Record<string, unknown>, upstream: HarnessUpstream) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('response-transformer', validate(config), { route: route.id })] });
  return harness.request({ route, service }, upstream);
}

test('headers: remove, rename, replace if present, add if absent, append always', async () => {
  const result = await transform({
    remove: { headers: ['x-drop'] }, rename: { headers: ['x-old:x-new'] }, replace: { headers: ['x-rep:new', 'x-none:no'] },
    add: { headers: ['x-add:1', 'x-rep:ignored'] }, append: { headers: ['x-app:2'] },
  }, { headers: { 'x-drop': '1', 'x-old': 'v', 'x-rep': 'old', 'x-app': '1' }, body: 'plain' });
  assert.equal(result.headers['x-drop'], undefined);
  assert.equal(result.headers['x-old'], undefined);
  assert.equal(result.headers['x-new'], 'v');
  assert.equal(result.headers['x-rep'], 'new');
  assert.equal(result.headers['x-none'], undefined);
  assert.equal(result.headers['x-add'], '1');
  assert.deepEqual(result.headers['x-app'], ['1', '2']);
  assert.equal(result.body, 'plain');
});

test('JSON body edits with typed values across chunks; Content-Length dropped', async () => {
  const body = JSON.stringify({ secret: 's', old: 1, count: 1, flag: false, list: 'a' });
  const result = await transform({
    remove: { json: ['secret'] }, rename: { json: ['old:renamed'] },
    replace: { json: ['count:5', 'flag:true', 'missing:x'], json_types: ['number', 'boolean', 'string'] },
    add: { json: ['url:http://a.test/x', 'n:7'], json_types: ['string', 'number'] },
    append: { json: ['list:b'] },
  }, { headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) }, body, chunkSize: 7 });
  assert.deepEqual(JSON.parse(result.body), { renamed: 1, count: 5, flag: true, list: ['a', 'b'], url: 'http://a.test/x', n: 7 });
  assert.equal(result.headers['content-length'], undefined);
});

test('non-JSON responses and unparseable JSON are left as they are', async () => {
  const config = { add: { json: ['a:1'] } };
  const html = await transform(config, { headers: { 'content-type': 'text/html', 'content-length': '6' }, body: '<html>' });
  assert.equal(html.body, '<html>');
  assert.equal(html.headers['content-length'], '6');
  const broken = await transform(config, { headers: { 'content-type': 'application/json' }, body: '{broken', chunkSize: 3 });
  assert.equal(broken.body, '{broken');
});

test('schema: pairs need a colon; json_types are boolean, number or string', () => {
  assert.throws(() => validate({ add: { headers: ['novalue'] } }), /add/);
  assert.throws(() => validate({ add: { json: ['a:1'], json_types: ['object'] } }), /expected one of: boolean, number, string/);
  assert.deepEqual(validate({}).remove, { json: [], headers: [] });
});
