import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);
const validate = (config: Record<string, unknown>) => entityDefinitions.plugins.validate({ name: 'request-termination', config }, 'insert');

async function terminator(config: Record<string, unknown>) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('request-termination', validate(config).config as Record<string, unknown>, { route: route.id })] });
  return (request: { headers?: Record<string, string>; query?: string; body?: string; method?: string } = {}) => harness.request({ route, service, ...request });
}

test('default: 503 {"message":"Service unavailable"} without request_id', async () => {
  const send = await terminator({});
  const result = await send();
  assert.equal(result.status, 503);
  assert.equal(result.body, '{"message":"Service unavailable"}');
  assert.equal(result.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(result.proxied, false);
});

test('status codes without a default message get an empty body; custom message replaces it', async () => {
  assert.equal((await (await terminator({ status_code: 418 }))()).body, '');
  const custom = await (await terminator({ status_code: 404, message: 'gone fishing' }))();
  assert.deepEqual(JSON.parse(custom.body), { message: 'gone fishing' });
  assert.equal((await (await terminator({ status_code: 405 }))()).body, '{"message":"Method not allowed"}');
});

test('body with content_type is sent verbatim', async () => {
  const result = await (await terminator({ status_code: 200, body: '<h1>hi</h1>', content_type: 'text/html' }))();
  assert.equal(result.status, 200);
  assert.equal(result.body, '<h1>hi</h1>');
  assert.equal(result.headers['content-type'], 'text/html');
});

test('trigger: only requests with the header or query argument are terminated', async () => {
  const send = await terminator({ trigger: 'X-Stop' });
  assert.equal((await send()).proxied, true);
  assert.equal((await send({ headers: { 'x-stop': '1' } })).status, 503);
  assert.equal((await send({ query: 'X-Stop' })).status, 503);
});

test('echo describes the request', async () => {
  const send = await terminator({ echo: true, status_code: 404 });
  const result = await send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-a': '1' }, query: 'q=1', body: '{"b":2}' });
  assert.equal(result.status, 404);
  const echo = JSON.parse(result.body);
  assert.equal(echo.message, 'Not found');
  assert.equal(echo.kong.worker_pid, process.pid);
  assert.equal(echo.kong.node_id, '00000000-0000-4000-8000-000000000001');
  assert.equal(echo.request.method, 'POST');
  assert.equal(echo.request.headers['x-a'], '1');
  assert.deepEqual(echo.request.query, { q: '1' });
  assert.deepEqual(echo.request.body, { b: 2 });
  assert.equal(echo.request.raw_body, '{"b":2}');
  assert.equal(echo.matched_route.id, route.id);
  assert.equal(echo.matched_service.id, service.id);
});

test("schema: Kong's combination rules and status range", () => {
  const errorOf = (config: Record<string, unknown>): unknown => {
    try {
      validate(config);
      return null;
    } catch (error) {
      return (error as { fields?: unknown }).fields;
    }
  };
  assert.deepEqual(errorOf({ message: 'm', body: 'b' }), { config: 'message cannot be used with content_type or body' });
  assert.deepEqual(errorOf({ content_type: 'text/plain' }), { config: 'content_type requires a body' });
  assert.deepEqual(errorOf({ echo: true, body: 'b' }), { config: 'echo cannot be used with content_type and body' });
  assert.deepEqual(errorOf({ status_code: 600 }), { config: { status_code: 'value should be between 100 and 599' } });
  assert.deepEqual(validate({}).config, { status_code: 503, message: null, content_type: null, body: null, echo: false, trigger: null });
});
