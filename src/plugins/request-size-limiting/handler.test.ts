import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) => entityDefinitions.plugins.validate({ name: 'request-size-limiting', config }, 'insert');

async function limiter(config: Record<string, unknown>) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('request-size-limiting', validate(config).config as Record<string, unknown>, { route: route.id })] });
  return (headers: Record<string, string>, body?: string) => harness.request({ route, service, method: 'POST', headers, body });
}

test('Content-Length above the limit: 413 Request size limit exceeded; at the limit passes', async () => {
  const send = await limiter({ allowed_payload_size: 10, size_unit: 'bytes' });
  const result = await send({ 'content-length': '11' }, 'x'.repeat(11));
  assert.equal(result.status, 413);
  assert.equal(JSON.parse(result.body).message, 'Request size limit exceeded');
  assert.equal((await send({ 'content-length': '10' }, 'x'.repeat(10))).proxied, true);
});

test('Expect: 100-continue turns the rejection into 417', async () => {
  const send = await limiter({ allowed_payload_size: 1, size_unit: 'kilobytes' });
  const result = await send({ 'content-length': '1025', expect: ' 100-Continue ' });
  assert.equal(result.status, 417);
  assert.equal(JSON.parse(result.body).message, 'Request size limit exceeded');
  assert.equal((await send({ 'content-length': '1024' })).proxied, true);
});

test('without Content-Length the body is measured', async () => {
  const send = await limiter({ allowed_payload_size: 4, size_unit: 'bytes' });
  assert.equal((await send({ 'transfer-encoding': 'chunked' }, 'hello')).status, 413);
  assert.equal((await send({ 'transfer-encoding': 'chunked' }, 'hell')).proxied, true);
});

test('require_content_length: 411 unless chunked', async () => {
  const send = await limiter({ require_content_length: true });
  const result = await send({}, 'abc');
  assert.equal(result.status, 411);
  assert.equal(JSON.parse(result.body).message, 'A valid Content-Length header is required');
  assert.equal((await send({ 'content-length': 'abc' }, 'abc')).status, 411, 'a non-numeric length is not valid');
  assert.equal((await send({ 'transfer-encoding': 'chunked' }, 'abc')).proxied, true);
});

test('schema: defaults 128 megabytes; unknown units rejected', () => {
  assert.deepEqual(validate({}).config, { allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false });
  assert.throws(() => validate({ size_unit: 'gigabytes' }), (error: { fields?: unknown }) => {
    assert.deepEqual(error.fields, { config: { size_unit: 'expected one of: megabytes, kilobytes, bytes' } });
    return true;
  });
  assert.throws(() => validate({ allowed_payload_size: 1.5 }), /expected an integer/);
});
