import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'udp-log', config }, 'insert').config as Record<string, unknown>;

test('sends one JSON datagram per request', async () => {
  const socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (message) => datagrams.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const port = (socket.address() as AddressInfo).port;
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('udp-log', validate({ host: '127.0.0.1', port, custom_fields_by_lua: { env: 'return "test"' } }))] });
    await harness.request({ route, service, path: '/u1' }, { status: 404, body: 'no' });
    await harness.request({ route, service, path: '/u2' }, { status: 200, body: 'ok' });
    const deadline = Date.now() + 3000;
    while (datagrams.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const entries = datagrams.map((text) => JSON.parse(text));
    assert.deepEqual(entries.map((entry) => [entry.request.uri, entry.response.status, entry.env]).sort(), [['/u1', 404, 'test'], ['/u2', 200, 'test']]);
    assert.equal(datagrams[0]!.endsWith('\n'), false);
  } finally {
    socket.close();
  }
});

test('schema: host/port required, timeout default 10000', () => {
  assert.throws(() => validate({ host: '127.0.0.1' }), (error: Error & { fields?: unknown }) => /required field missing/.test(JSON.stringify(error.fields)));
  assert.equal(validate({ host: '127.0.0.1', port: 9 }).timeout, 10000);
});
