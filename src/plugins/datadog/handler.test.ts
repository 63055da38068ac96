import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { datadogLines, plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'orders.v2' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'datadog', config }, 'insert').config as Record<string, unknown>;

const entry = {
  service: { name: 'orders.v2', host: 'orders' }, consumer: { id: 'c-1', custom_id: 'cust-9', username: 'bob' },
  request: { size: 80 }, response: { status: 200, size: 512 }, latencies: { request: 25, proxy: -1, kong: 5 },
};

test("Kong's six default metrics in DogStatsD form with name/status/consumer and app:kong tags", () => {
  const lines = datadogLines(validate({}) as never, entry);
  assert.deepEqual(lines, [
    'kong.request.count:1|c|#name:orders_v2,status:200,consumer:cust-9,app:kong',
    'kong.latency:25|ms|#name:orders_v2,status:200,consumer:cust-9,app:kong',
    'kong.request.size:80|ms|#name:orders_v2,status:200,consumer:cust-9,app:kong',
    'kong.response.size:512|ms|#name:orders_v2,status:200,consumer:cust-9,app:kong',
    // upstream_latency is -1 (not proxied): skipped.
    'kong.kong_latency:5|ms|#name:orders_v2,status:200,consumer:cust-9,app:kong',
  ]);
});

test('custom tags, tag names, sample rate and distribution type', () => {
  const conf = validate({
    prefix: 'gw', service_name_tag: 'svc', status_tag: 'code', consumer_tag: 'who',
    metrics: [{ name: 'latency', stat_type: 'distribution', sample_rate: 0.25, tags: ['env:prod'], consumer_identifier: 'username' }],
  });
  assert.deepEqual(datadogLines(conf as never, entry), ['gw.latency:25|d|@0.25|#svc:orders_v2,code:200,who:bob,env:prod']);
  assert.throws(() => validate({ metrics: [{ name: 'request_count', stat_type: 'counter' }] }), (error: Error & { fields?: unknown }) => /required field missing/.test(JSON.stringify(error.fields)));
  assert.throws(() => validate({ metrics: [{ name: 'latency', stat_type: 'timer', tags: ['bad:'] }] }), (error: Error & { fields?: unknown }) => /tags/.test(JSON.stringify(error.fields)));
});

test('sends each line as a datagram to the agent', async () => {
  const socket = createSocket('udp4');
  const packets: string[] = [];
  socket.on('message', (message) => packets.push(message.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const port = (socket.address() as AddressInfo).port;
    const conf = validate({ host: '127.0.0.1', port, queue: { max_coalescing_delay: 0.01 }, metrics: [{ name: 'request_count', stat_type: 'counter', sample_rate: 1, tags: ['app:kong'] }] });
    const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('datadog', conf)] });
    await harness.request({ route, service }, { status: 404, body: 'x' });
    const deadline = Date.now() + 3000;
    while (packets.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(packets, ['kong.request.count:1|c|#name:orders_v2,status:404,app:kong']);
  } finally {
    socket.close();
  }
});
