import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { addressIn, compileAddressList, plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerPluginSchema(plugin.name, plugin.schema);

function validate(config: Record<string, unknown>): Record<string, unknown> {
  return entityDefinitions.plugins.validate({ name: 'ip-restriction', config }, 'insert');
}

async function restrict(config: Record<string, unknown>) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('ip-restriction', validate(config).config as Record<string, unknown>, { route: route.id })] });
  return (clientIp: string) => harness.request({ route, service, clientIp });
}

test('deny list: listed addresses get 403 with the default message naming the IP', async () => {
  const send = await restrict({ deny: ['10.0.0.0/8', '192.168.1.7'] });
  const denied = await send('10.1.2.3');
  assert.equal(denied.status, 403);
  assert.equal(JSON.parse(denied.body).message, 'IP address not allowed: 10.1.2.3');
  assert.equal((await send('192.168.1.7')).status, 403);
  assert.equal((await send('192.168.1.8')).proxied, true);
});

test('allow list: only listed addresses pass; deny is checked first', async () => {
  const send = await restrict({ allow: ['127.0.0.0/24', '2001:db8::/32'], deny: ['127.0.0.5'] });
  assert.equal((await send('127.0.0.1')).proxied, true);
  assert.equal((await send('2001:db8::1')).proxied, true);
  assert.equal((await send('::ffff:127.0.0.2')).proxied, true, 'IPv4-mapped IPv6 counts as IPv4');
  assert.equal((await send('127.0.0.5')).status, 403);
  assert.equal((await send('8.8.8.8')).status, 403);
  assert.equal((await send('2001:db9::1')).status, 403);
});

test('custom status and message', async () => {
  const send = await restrict({ deny: ['0.0.0.0/0'], status: 401, message: 'go away' });
  const result = await send('1.2.3.4');
  assert.equal(result.status, 401);
  assert.equal(JSON.parse(result.body).message, 'go away');
});

test('an address that is not an IP (unix socket) is refused', async () => {
  const send = await restrict({ allow: ['0.0.0.0/0'] });
  const result = await send('unix:');
  assert.equal(result.status, 403);
  assert.equal(JSON.parse(result.body).message, 'Cannot identify the client IP address, unix domain sockets are not supported.');
});

test("schema: at least one list, valid IPs/CIDRs, stream protocols allowed with Kong's default", () => {
  assert.throws(() => validate({}), (error: { fields?: unknown }) => {
    assert.deepEqual(error.fields, { '@entity': ["at least one of these fields must be non-empty: 'config.allow', 'config.deny'"] });
    return true;
  });
  assert.throws(() => validate({ allow: ['10.0.0.300'] }), (error: { fields?: unknown }) => {
    assert.deepEqual(error.fields, { config: { allow: ["invalid ip or cidr range: '10.0.0.300'"] } });
    return true;
  });
  assert.deepEqual(validate({ allow: ['::1'] }).protocols, ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs']);
  assert.equal(addressIn(compileAddressList(['fe80::/10'])!, 'fe80::1'), true);
  assert.equal(compileAddressList([]), null);
});
