import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'loggly', config }, 'insert').config as Record<string, unknown>;

test('RFC 5424 message with the key, tags and PRI 8 + severity; filtered by log_level', async () => {
  const socket = createSocket('udp4');
  const messages: string[] = [];
  socket.on('message', (message) => messages.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const port = (socket.address() as AddressInfo).port;
    const config = validate({ host: '127.0.0.1', port, key: 'tok', tags: ['kong', 'edge'], log_level: 'err', server_errors_severity: 'err', client_errors_severity: 'notice' });
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('loggly', config)] });
    await harness.request({ route, service, path: '/ok' }, { status: 200, body: 'x' });
    await harness.request({ route, service, path: '/bad' }, { status: 500, body: 'x' });
    const deadline = Date.now() + 3000;
    while (messages.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(messages.length, 1);
    const match = /^<11>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (\S+) kong - - \[tok@41058 tag="kong" tag="edge"\] (.*)$/.exec(messages[0]!);
    assert.ok(match, messages[0]);
    assert.equal(match[2], hostname());
    assert.equal(JSON.parse(match[3]!).request.uri, '/bad');
  } finally {
    socket.close();
  }
});

test('schema: key required, Kong defaults', () => {
  assert.throws(() => validate({}), (error: Error & { fields?: unknown }) => /required field missing/.test(JSON.stringify(error.fields)));
  const conf = validate({ key: 'k' });
  assert.deepEqual([conf.host, conf.port, conf.tags, conf.timeout], ['logs-01.loggly.com', 514, ['kong'], 10000]);
});
