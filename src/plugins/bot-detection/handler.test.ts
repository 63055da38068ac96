import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) => entityDefinitions.plugins.validate({ name: 'bot-detection', config }, 'insert');

async function detector(config: Record<string, unknown> = {}) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('bot-detection', validate(config).config as Record<string, unknown>, { route: route.id })] });
  return (headers: Record<string, string | string[]>) => harness.request({ route, service, headers });
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

test("Kong's built-in list blocks common bots with 403 Forbidden; browsers and no User-Agent pass", async () => {
  const send = await detector();
  for (const agent of ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'facebookexternalhit/1.1', 'Apache-HttpClient/4.5', 'Python-urllib/3.9', 'Mozilla/5.0 (compatible; bingbot/2.0)']) {
    const result = await send({ 'user-agent': agent });
    assert.equal(result.status, 403, agent);
    assert.equal(JSON.parse(result.body).message, 'Forbidden');
  }
  assert.equal((await send({ 'user-agent': BROWSER })).proxied, true);
  assert.equal((await send({})).proxied, true);
});

test('allow wins over the built-in list; deny blocks otherwise harmless agents', async () => {
  const send = await detector({ allow: ['^Googlebot'], deny: ['Chrome/1[0-9]{2}'] });
  assert.equal((await send({ 'user-agent': 'Googlebot/2.1' })).proxied, true);
  assert.equal((await send({ 'user-agent': BROWSER })).status, 403);
  assert.equal((await send({ 'user-agent': '  curl/8.0  ' })).proxied, true);
});

test('two User-Agent headers are a 400', async () => {
  const send = await detector();
  const result = await send({ 'user-agent': [BROWSER, 'x'] });
  assert.equal(result.status, 400);
  assert.equal(JSON.parse(result.body).message, 'Only one User-Agent header allowed');
});

test('a pathological agent against a backtracking-prone rule is handled in linear time', async () => {
  const send = await detector({ deny: ['^(a+)+$'] });
  const started = performance.now();
  assert.equal((await send({ 'user-agent': `${'a'.repeat(5000)}!` })).proxied, true);
  assert.ok(performance.now() - started < 500);
});

test('schema: defaults are empty lists; invalid regexes are rejected', () => {
  assert.deepEqual(validate({}).config, { allow: [], deny: [] });
  assert.throws(() => validate({ deny: ['(x'] }), (error: { fields?: unknown }) => {
    assert.deepEqual(error.fields, { config: { deny: ['not a valid regex: (x'] } });
    return true;
  });
});
