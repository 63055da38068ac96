import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow, type HarnessRequest } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'request-transformer', config }, 'insert').config as Record<string, unknown>;

async function transform(config: Record<string, unknown>, request: HarnessRequest) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('request-transformer', validate(config), { route: route.id })] });
  const result = await harness.request({ route, service, ...request });
  assert.equal(result.proxied, true);
  return result.ctx.upstream;
}

test('headers: remove, rename, replace only if present, add only if absent, append', async () => {
  const upstream = await transform({
    remove: { headers: ['x-drop'] },
    rename: { headers: ['x-old:x-new'] },
    replace: { headers: ['x-rep:replaced', 'x-missing:never'] },
    add: { headers: ['x-add:added', 'x-rep:not-added'] },
    append: { headers: ['x-multi:two'] },
  }, { headers: { 'x-drop': '1', 'x-old': 'kept-value', 'x-rep': 'orig', 'x-multi': 'one' } });
  assert.equal(upstream.headers.get('x-drop'), null);
  assert.equal(upstream.headers.get('x-old'), null);
  assert.equal(upstream.headers.get('x-new'), 'kept-value');
  assert.equal(upstream.headers.get('x-rep'), 'replaced');
  assert.equal(upstream.headers.get('x-missing'), undefined);
  assert.equal(upstream.headers.get('x-add'), 'added');
  assert.deepEqual(upstream.headers.get('x-multi'), ['one', 'two']);
});

test('templates read headers, query params, uri captures and fall back with `or`', async () => {
  const upstream = await transform({
    add: { headers: ['x-from-header:Bearer $(headers["x-token"])', 'x-from-query:$(query_params.q)', 'x-default:$(headers.absent or "none")'] },
    replace: { uri: '/v2/$(query_params.q)' },
  }, { headers: { 'x-token': 'abc' }, query: 'q=42' });
  assert.equal(upstream.headers.get('x-from-header'), 'Bearer abc');
  assert.equal(upstream.headers.get('x-from-query'), '42');
  assert.equal(upstream.headers.get('x-default'), 'none');
  assert.equal(upstream.path, '/v2/42');
});

test('querystring operations and http_method moving a form body into the query', async () => {
  const upstream = await transform({
    remove: { querystring: ['drop'] }, rename: { querystring: ['old:new'] }, add: { querystring: ['a:1'] }, append: { querystring: ['b:3'] },
  }, { query: 'drop=x&old=v&b=2' });
  assert.equal(upstream.rawQuery, 'a=1&b=2&b=3&new=v');
  const moved = await transform({ http_method: 'GET' }, {
    method: 'POST', body: 'f=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, query: 'q=2',
  });
  assert.equal(moved.method, 'GET');
  assert.equal(moved.rawQuery, 'f=1&q=2');
});

test('JSON body: values are strings, append makes arrays, invalid JSON is left untouched', async () => {
  const config = { remove: { body: ['secret'] }, rename: { body: ['n:name'] }, replace: { body: ['role:admin', 'absent:x'] }, add: { body: ['added:$(headers["x-a"])'] }, append: { body: ['tags:new'] } };
  const upstream = await transform(config, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-a': 'hdr' }, body: JSON.stringify({ secret: 1, n: 'bob', role: 'user', tags: 'old' }),
  });
  assert.deepEqual(JSON.parse(upstream.body!.toString()), { name: 'bob', role: 'admin', tags: ['old', 'new'], added: 'hdr' });
  const invalid = await transform(config, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
  assert.equal(invalid.body, null);
});

test('form and multipart bodies', async () => {
  const config = { remove: { body: ['drop'] }, add: { body: ['added:yes'] }, replace: { body: ['keep:changed'] } };
  const form = await transform(config, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'drop=1&keep=a' });
  assert.equal(form.body!.toString(), 'keep=changed&added=yes');
  const boundary = 'XyZ';
  const multipart = [
    `--${boundary}\r\nContent-Disposition: form-data; name="drop"\r\n\r\n1\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\nBYTES\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="keep"\r\n\r\nold\r\n`,
    `--${boundary}--\r\n`,
  ].join('');
  const result = await transform(config, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: multipart });
  const text = result.body!.toString();
  assert.doesNotMatch(text, /name="drop"/);
  assert.match(text, /filename="a.bin"\r\nContent-Type: application\/octet-stream\r\n\r\nBYTES\r\n/);
  assert.match(text, /name="keep"\r\n\r\nchanged\r\n/);
  assert.match(text, /name="added"\r\n\r\nyes\r\n--XyZ--\r\n$/);
});

test('schema: entries need values, header names are checked, code in templates is refused', () => {
  assert.throws(() => validate({ add: { headers: ['x-a'] } }), /invalid value: x-a|key 'x-a' has no value/);
  assert.throws(() => validate({ add: { querystring: ['a'] } }), /key 'a' has no value/);
  assert.throws(() => validate({ add: { body: ['a:$(os.execute("id"))'] } }), /is not in supported format/);
  const defaults = validate({});
  assert.deepEqual(defaults.add, { body: [], headers: [], querystring: [] });
  assert.deepEqual(defaults.replace, { body: [], headers: [], querystring: [], uri: null });
});
