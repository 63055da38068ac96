// gRPC calls on the plugin path: an HTTP/2 gRPC client through a route with a plugin
// (correlation-id, echoing its id downstream) — messages, trailers and upstream error statuses
// pass through the plugins' response phases intact.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/core/logger.ts';
import { NodeCache } from '../../src/pdk/index.ts';
import { buildPluginTable, createPluginRegistry, pluginRow } from '../../src/pipeline/index.ts';
import { plugin as correlationId } from '../../src/plugins/correlation-id/handler.ts';
import { grpcCall, startGrpcEcho, startGrpcProxy, type GrpcProxy, type Listening } from '../../src/proxy/grpc/test-support.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { testSettings } from '../helpers/proxy-harness.ts';

let echo: Listening;
let proxy: GrpcProxy;

before(async () => {
  echo = await startGrpcEcho();
  const upstream = service({ protocol: 'grpc', port: echo.port });
  const grpcRoute = route({ service: upstream, protocols: ['grpc'], paths: ['/echo.Echo/'], strip_path: false });
  const entities = entitySet({
    services: [upstream],
    routes: [grpcRoute],
    plugins: [pluginRow('correlation-id', { header_name: 'x-call-id', generator: 'uuid', echo_downstream: true }, { route: grpcRoute.id })],
  });
  const registry = await createPluginRegistry([correlationId.name], [], { bundled: [correlationId] });
  const plugins = await buildPluginTable(entities.plugins, registry, {
    version: 1,
    environment: {
      logger: createLogger('crit'), cache: new NodeCache(), nodeId: '00000000-0000-4000-8000-0000000000bb',
      loadConsumer: async () => null, upstreamExists: () => false,
    },
  });
  proxy = await startGrpcProxy(entities, testSettings(), { plugins });
});

after(async () => {
  await proxy.close();
  await echo.close();
});

test('streamed messages and trailers pass the plugins; the plugin sees the call', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/ServerStream', [Buffer.from('p')]);
  assert.equal(result.status, 0);
  assert.deepEqual(result.messages.map(String), ['p#0', 'p#1', 'p#2']);
  assert.equal(result.trailers['x-trail'], 'received 1');
  const id = echo.calls.at(-1)!['x-call-id'];
  assert.match(String(id), /^[0-9a-f-]{36}$/);
  assert.equal(result.headers['x-call-id'], id, 'echo_downstream ran in header_filter');
});

test('a trailers-only upstream error still reaches the gRPC client', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/Fail', [Buffer.from('x')]);
  assert.equal(result.status, 5);
  assert.equal(result.message, 'no such thing');
  // The plugins' phases split headers from the end of the stream: real gRPC clients then read
  // the status only from trailers, so it must be there.
  assert.equal(result.trailers['grpc-status'], '5');
});
