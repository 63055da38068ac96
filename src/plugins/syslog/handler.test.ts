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
  entityDefinitions.plugins.validate({ name: 'syslog', config }, 'insert').config as Record<string, unknown>;

test('severity by status class, facility in PRI, log_level filters less important entries', async () => {
  const socket = createSocket('udp4');
  const messages: string[] = [];
  socket.on('message', (message) => messages.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const port = (socket.address() as AddressInfo).port;
    const config = validate({
      syslog_host: '127.0.0.1', syslog_port: port, facility: 'local3', log_level: 'warning',
      successful_severity: 'info', client_errors_severity: 'warning', server_errors_severity: 'crit',
    });
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('syslog', config)] });
    for (const status of [200, 404, 503]) await harness.request({ route, service, path: `/s${status}` }, { status, body: 'x' });
    const deadline = Date.now() + 3000;
    while (messages.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // local3 = 19: 19*8 + 4 (warning) = 156, 19*8 + 2 (crit) = 154; the 200 (info) is filtered out.
    const parsed = messages.map((message) => /^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d kong\[(\d+)\]: (.*)$/.exec(message)!);
    assert.deepEqual(parsed.map((match) => [Number(match[1]), JSON.parse(match[3]!).response.status]).sort(), [[154, 503], [156, 404]]);
    assert.equal(Number(parsed[0]![2]), process.pid);
  } finally {
    socket.close();
  }
});

test('schema: Kong defaults and severity/facility lists', () => {
  const conf = validate({});
  assert.deepEqual([conf.log_level, conf.successful_severity, conf.client_errors_severity, conf.server_errors_severity, conf.facility], ['info', 'info', 'info', 'info', 'user']);
  assert.throws(() => validate({ facility: 'local9' }), (error: Error & { fields?: unknown }) => /expected one of/.test(JSON.stringify(error.fields)));
  assert.throws(() => validate({ log_level: 'warn' }), (error: Error & { fields?: unknown }) => /expected one of/.test(JSON.stringify(error.fields)));
});
