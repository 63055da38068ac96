import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';
import { packLines, statsdLines, type StatsdConf } from './metrics.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'billing.v1' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'statsd', config }, 'insert').config as unknown as StatsdConf;

const entry = {
  service: { id: 's-1', name: 'billing.v1', host: 'billing.internal' }, route: { id: 'r-1' },
  consumer: { id: 'c-1', custom_id: 'cust', username: 'alice' }, workspace: 'ws-1', workspace_name: 'default',
  request: { size: 100 }, response: { status: 201, size: 250 }, latencies: { request: 30, proxy: 20, kong: 10 },
};

test("Kong's default metric set, hierarchical names under the service scope", () => {
  const lines = statsdLines(validate({}), entry);
  assert.deepEqual(lines, [
    'kong.service.billing_v1.request.count:1|c',
    'kong.service.billing_v1.latency:30|ms',
    'kong.service.billing_v1.request.size:100|ms',
    'kong.service.billing_v1.status.201:1|c',
    'kong.service.billing_v1.response.size:250|ms',
    'kong.service.billing_v1.user.uniques:cust|s',
    'kong.service.billing_v1.user.cust.request.count:1|c',
    'kong.service.billing_v1.upstream_latency:20|ms',
    'kong.service.billing_v1.kong_latency:10|ms',
    'kong.service.billing_v1.user.cust.status.201:1|c',
    'kong.service.billing_v1.workspace.ws-1.status.201:1|c',
    'kong.route.r-1.user.cust.status.201:1|c',
  ]);
});

test('no service: global.unmatched scope; sample rates and tag styles', () => {
  const conf = validate({ metrics: [{ name: 'request_count', stat_type: 'counter', sample_rate: 0.5 }] });
  assert.deepEqual(statsdLines(conf, { ...entry, service: null }), ['kong.global.unmatched.request.count:1|c|@0.5']);
  const tagged = validate({ tag_style: 'dogstatsd', metrics: [{ name: 'status_count', stat_type: 'counter', sample_rate: 1 }] });
  assert.deepEqual(statsdLines(tagged, entry), ['kong.status:1|c|#service:billing_v1,route:r-1,workspace:ws-1,consumer:cust,status:201']);
  const influx = validate({ tag_style: 'influxdb', consumer_identifier_default: 'username', metrics: [{ name: 'latency', stat_type: 'timer' }] });
  assert.deepEqual(statsdLines(influx, entry), ['kong.latency,service=billing_v1,route=r-1,workspace=ws-1,consumer=alice:30|ms']);
});

test('udp_packet_size packs lines; schema requires sample_rate for counters', () => {
  assert.deepEqual(packLines(['a:1|c', 'b:1|c', 'c:1|c'], 12), ['a:1|c\nb:1|c', 'c:1|c']);
  assert.throws(() => validate({ metrics: [{ name: 'request_count', stat_type: 'counter' }] }), (error: Error & { fields?: unknown }) => /required field missing/.test(JSON.stringify(error.fields)));
  assert.throws(() => validate({ allow_status_codes: ['abc'] }), (error: Error & { fields?: unknown }) => /allow_status_codes/.test(JSON.stringify(error.fields)));
});

async function harness(config: Record<string, unknown>) {
  const h = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('statsd', validate(config) as unknown as Record<string, unknown>)] });
  return (status: number) => h.request({ route, service }, { status, body: 'x' });
}

test('sends over UDP to a loopback receiver, only for allowed status codes', async () => {
  const socket = createSocket('udp4');
  const packets: string[] = [];
  socket.on('message', (message) => packets.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const port = (socket.address() as AddressInfo).port;
    const send = await harness({
      host: '127.0.0.1', port, allow_status_codes: ['200-299'], queue: { max_coalescing_delay: 0.01 },
      metrics: [{ name: 'request_count', stat_type: 'counter', sample_rate: 1 }, { name: 'status_count', stat_type: 'counter', sample_rate: 1 }],
    });
    await send(500);
    await send(200);
    const deadline = Date.now() + 3000;
    while (packets.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(packets.sort(), ['kong.service.billing_v1.request.count:1|c', 'kong.service.billing_v1.status.200:1|c']);
  } finally {
    socket.close();
  }
});

test('use_tcp sends newline-terminated lines over TCP', async () => {
  let received = '';
  const server = createServer((socket) => socket.on('data', (chunk) => { received += chunk.toString(); }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const send = await harness({ host: '127.0.0.1', port, use_tcp: true, queue: { max_coalescing_delay: 0.01 }, metrics: [{ name: 'request_count', stat_type: 'counter', sample_rate: 1 }] });
    await send(200);
    const deadline = Date.now() + 3000;
    while (!received.endsWith('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(received, 'kong.service.billing_v1.request.count:1|c\n');
  } finally {
    server.close();
  }
});
