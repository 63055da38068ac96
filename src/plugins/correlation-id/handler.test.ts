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
  entityDefinitions.plugins.validate({ name: 'correlation-id', config }, 'insert').config as Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function correlated(config: Record<string, unknown>) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('correlation-id', validate(config), { route: route.id })] });
  return (headers: Record<string, string> = {}) => harness.request({ route, service, headers });
}

test('defaults: Kong-Request-ID, uuid#counter counting up per worker, not echoed', async () => {
  assert.deepEqual(validate({}), { header_name: 'Kong-Request-ID', generator: 'uuid#counter', echo_downstream: false });
  const send = await correlated({});
  const first = await send();
  const second = await send();
  const [uuidA, counterA] = String(first.ctx.upstream.headers.get('kong-request-id')).split('#');
  const [uuidB, counterB] = String(second.ctx.upstream.headers.get('kong-request-id')).split('#');
  assert.match(uuidA!, UUID);
  assert.equal(uuidA, uuidB);
  assert.equal(Number(counterB), Number(counterA) + 1);
  assert.equal(first.headers['kong-request-id'], undefined);
  assert.equal(first.ctx.serializeValues?.get('correlation_id'), `${uuidA}#${counterA}`);
});

test('a client-sent id is kept; an empty one is replaced; echo_downstream returns it', async () => {
  const send = await correlated({ header_name: 'X-Correlation', generator: 'uuid', echo_downstream: true });
  const kept = await send({ 'x-correlation': 'abc-123' });
  assert.equal(kept.ctx.upstream.headers.get('x-correlation'), undefined, 'nothing to change upstream');
  assert.equal(kept.headers['x-correlation'], 'abc-123');
  const generated = await send({ 'x-correlation': '' });
  assert.match(String(generated.ctx.upstream.headers.get('x-correlation')), UUID);
  assert.equal(generated.headers['x-correlation'], generated.ctx.upstream.headers.get('x-correlation'));
});

test('tracker ids carry host, port, pid and a timestamp; unknown generators are refused', async () => {
  const send = await correlated({ generator: 'tracker' });
  const id = String((await send()).ctx.upstream.headers.get('kong-request-id'));
  assert.match(id, new RegExp(`^example\\.test-8000-${process.pid}-\\d+-1-\\d+\\.\\d{3}$`));
  assert.throws(() => validate({ generator: 'random' }), /expected one of: uuid, uuid#counter, tracker/);
});
