// gRPC calls on the plugin path: an HTTP/2 gRPC client through a route with a plugin
// (correlation-id, echoing its id downstream) — messages, trailers and upstream error statuses
// pass through the plugins' response phases intact; short circuits become gRPC statuses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/core/logger.ts';
import { NodeCache } from '../../src/pdk/index.ts';
import { buildPluginTable, createPluginRegistry, pluginRow } from '../../src/pipeline/index.ts';
import { plugin as correlationId } from '../../src/plugins/correlation-id/handler.ts';
import { plugin as requestTermination } from '../../src/plugins/request-termination/handler.ts';
import { listenOnLoopback } from '../helpers/loopback-upstream.ts';
import { createServer } from 'node:net';
import { grpcCall, startGrpcEcho, startGrpcProxy, type GrpcProxy, type Listening } from '../../src/proxy/grpc/test-support.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { testSettings } from '../helpers/proxy-harness.ts';

let echo: Listening;

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const holder = createServer();
  const port = await listenOnLoopback(holder as never);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  return port;
}
let proxy: GrpcProxy;

before(async () => {
  echo = await startGrpcEcho();
  const upstream = service({ protocol: 'grpc', port: echo.port });
  const down = service({ protocol: 'grpc', port: await closedPort(), retries: 0 });
  const grpcRoute = route({ service: upstream, protocols: ['grpc'], paths: ['/echo.Echo/'], strip_path: false });
  const stopRoute = route({ service: upstream, protocols: ['grpc'], paths: ['/echo.Echo/'], strip_path: false, headers: { 'x-stop': ['1'] } });
  const entities = entitySet({
    services: [upstream, down],
    routes: [grpcRoute, stopRoute, route({ service: down, protocols: ['grpc'], paths: ['/down.Service/'], strip_path: false })],
    plugins: [
      // Global: every request, matched or not, takes the plugin path.
      pluginRow('correlation-id', { header_name: 'x-call-id', generator: 'uuid', echo_downstream: true }),
      pluginRow('request-termination', { status_code: 403, message: 'stopped here', body: null, content_type: null, trigger: null, echo: false }, { route: stopRoute.id }),
    ],
  });
  const registry = await createPluginRegistry([correlationId.name, requestTermination.name], [], { bundled: [correlationId, requestTermination] });
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

test('plugin short circuits and gateway errors answer gRPC clients with a gRPC status', async () => {
  const refused = await grpcCall(proxy.port, '/echo.Echo/Unary', [Buffer.from('x')], { headers: { 'x-stop': '1' } });
  assert.equal(refused.headers[':status'], 200);
  assert.equal(refused.status, 7);
  assert.equal(refused.message, 'stopped here');
  assert.equal(refused.trailers['grpc-status'], '7');
  const missing = await grpcCall(proxy.port, '/nowhere.Service/Call', [Buffer.from('x')]);
  assert.equal(missing.status, 5);
  assert.equal(missing.message, 'no Route matched with those values');
  const down = await grpcCall(proxy.port, '/down.Service/Call', [Buffer.from('x')]);
  assert.equal(down.status, 14);
  assert.equal(down.message, 'An invalid response was received from the upstream server');
  const late = await grpcCall(proxy.port, '/echo.Echo/Slow', [Buffer.from('x')], { headers: { 'grpc-timeout': '100m' } });
  assert.equal(late.status, 4);
  assert.equal(late.message, 'Deadline Exceeded');
});
