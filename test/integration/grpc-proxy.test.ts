// gRPC through Portico: a loopback HTTP/2 echo server behind a grpc service, called over h2c
// through the proxy flow — all four call shapes, metadata and trailers, status passthrough,
// deadlines, unreachable upstreams and Kong's route checks for gRPC routes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxy, testSettings } from '../helpers/proxy-harness.ts';
import { grpcCall, startGrpcEcho, startGrpcProxy, type GrpcProxy, type Listening } from '../../src/proxy/grpc/test-support.ts';
import { listenOnLoopback } from '../helpers/loopback-upstream.ts';
import { createServer } from 'node:net';
import { selfSignedCertificate } from '../../src/store/declarative/test-certificate.ts';

let echo: Listening;
let proxy: GrpcProxy;
let deadPort: number;

function entities(echoPort: number, closedPort: number) {
  const live = service({ protocol: 'grpc', port: echoPort, read_timeout: 1500 });
  const down = service({ protocol: 'grpc', port: closedPort, retries: 1 });
  const secure = service({ protocol: 'grpcs', port: echoPort });
  return entitySet({
    services: [live, down, secure],
    routes: [
      route({ service: live, protocols: ['grpc', 'grpcs'], paths: ['/echo.Echo/'], strip_path: false }),
      route({ service: down, protocols: ['grpc'], paths: ['/down.Service/'], strip_path: false }),
      route({ service: secure, protocols: ['grpcs'], paths: ['/secure.Service/'], strip_path: false }),
      route({ service: null, protocols: ['grpc'], paths: ['/orphan.Service/'], strip_path: false }),
    ],
  });
}

before(async () => {
  echo = await startGrpcEcho();
  // A port that refuses connections: bound once, then released.
  const holder = createServer();
  deadPort = await listenOnLoopback(holder as never);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  proxy = await startGrpcProxy(entities(echo.port, deadPort), testSettings());
});

after(async () => {
  await proxy.close();
  await echo.close();
});

test('unary call: message, metadata and trailers pass both ways', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/Unary', [Buffer.from('hello')], { headers: { 'x-meta': 'abc' } });
  assert.equal(result.status, 0);
  assert.deepEqual(result.messages.map(String), ['hello']);
  assert.equal(result.headers['x-meta-echo'], 'abc');
  assert.equal(result.trailers['x-trail'], 'received 1');
  assert.match(String(result.headers.via), /^2 kong\//);
  assert.ok(result.headers['x-kong-upstream-latency'] !== undefined);
  const seen = echo.calls.at(-1)!;
  assert.equal(seen[':path'], '/echo.Echo/Unary');
  assert.equal(seen[':authority'], `127.0.0.1:${echo.port}`);
  assert.equal(seen.te, 'trailers');
  assert.equal(seen['x-forwarded-proto'], 'http');
  assert.equal(seen['x-meta'], 'abc');
});

test('server streaming: every message arrives, then the trailers', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/ServerStream', [Buffer.from('s')]);
  assert.equal(result.status, 0);
  assert.deepEqual(result.messages.map(String), ['s#0', 's#1', 's#2']);
});

test('client streaming: the upstream sees every request message', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/ClientStream', [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')], { gap: 10 });
  assert.equal(result.status, 0);
  assert.deepEqual(result.messages.map(String), ['abc']);
  assert.equal(result.trailers['x-trail'], 'received 3');
});

test('bidi streaming: replies stream back while the client is still sending', async () => {
  const arrivals: number[] = [];
  const started = Date.now();
  const result = await grpcCall(proxy.port, '/echo.Echo/Bidi', [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')], {
    gap: 150, onMessage: () => arrivals.push(Date.now() - started),
  });
  assert.equal(result.status, 0);
  assert.deepEqual(result.messages.map(String), ['1', '2', '3']);
  // The first reply came back before the last request message was even sent (≥ 300 ms in).
  assert.ok(arrivals[0]! < 250, `first reply after ${arrivals[0]} ms`);
});

test('upstream error status and message pass through untouched', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/Fail', [Buffer.from('x')]);
  assert.equal(result.status, 5);
  assert.equal(result.message, 'no such thing');
});

test('the client deadline (grpc-timeout) ends the call with DEADLINE_EXCEEDED', async () => {
  const started = Date.now();
  const result = await grpcCall(proxy.port, '/echo.Echo/Slow', [Buffer.from('x')], { headers: { 'grpc-timeout': '200m' } });
  assert.equal(result.status, 4);
  assert.equal(result.message, 'Deadline Exceeded');
  assert.ok(Date.now() - started < 1200, 'answered at the deadline, not the service read_timeout');
});

test('the service read_timeout ends a silent call with DEADLINE_EXCEEDED (504)', async () => {
  const result = await grpcCall(proxy.port, '/echo.Echo/Slow', [Buffer.from('x')]);
  assert.equal(result.status, 4);
  assert.equal(result.message, 'The upstream server is timing out');
  assert.equal(result.headers[':status'], 200);
});

test('an unreachable upstream is UNAVAILABLE', async () => {
  const result = await grpcCall(proxy.port, '/down.Service/Call', [Buffer.from('x')]);
  assert.equal(result.status, 14);
  assert.equal(result.message, 'An invalid response was received from the upstream server');
  assert.ok(result.headers['x-kong-request-id'] !== undefined);
});

test('no route is NOT_FOUND and a serviceless route UNAVAILABLE, in gRPC terms', async () => {
  const missing = await grpcCall(proxy.port, '/nowhere.Service/Call', [Buffer.from('x')]);
  assert.equal(missing.headers[':status'], 200);
  assert.equal(missing.status, 5);
  assert.equal(missing.message, 'no Route matched with those values');
  const orphan = await grpcCall(proxy.port, '/orphan.Service/Call', [Buffer.from('x')]);
  assert.equal(orphan.status, 14);
  assert.equal(orphan.message, 'no Service found with those values');
});

test('a cleartext call on a grpcs-only route is CANCELLED', async () => {
  const result = await grpcCall(proxy.port, '/secure.Service/Call', [Buffer.from('x')]);
  assert.equal(result.headers[':status'], 200);
  assert.equal(result.status, 1);
  assert.equal(result.message, 'gRPC request matched gRPCs route');
});

test('gRPC route checks over HTTP/1.1: 415 for other content types, 426 for gRPC', async () => {
  const http1 = await startProxy(entities(echo.port, deadPort));
  try {
    const plain = await send(http1.port, '/echo.Echo/Unary', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(plain.status, 415);
    assert.deepEqual(JSON.parse(plain.body), { message: 'Non-gRPC request matched gRPC route' });
    const grpc = await send(http1.port, '/echo.Echo/Unary', { method: 'POST', headers: { 'content-type': 'application/grpc' }, body: 'x' });
    assert.equal(grpc.status, 426);
    assert.deepEqual(JSON.parse(grpc.body), { message: 'Please use HTTP2 protocol' });
    assert.equal(grpc.headers.upgrade, 'HTTP/2');
  } finally {
    await http1.close();
  }
});

test('grpcs services are reached over h2 with TLS; a refused certificate is UNAVAILABLE', async () => {
  const secureEcho = await startGrpcEcho(selfSignedCertificate('grpc.test'));
  const unverified = service({ protocol: 'grpcs', port: secureEcho.port });
  const verified = service({ protocol: 'grpcs', port: secureEcho.port, tls_verify: true });
  const tlsProxy = await startGrpcProxy(entitySet({
    services: [unverified, verified],
    routes: [
      route({ service: unverified, protocols: ['grpc'], paths: ['/echo.Echo/'], strip_path: false }),
      route({ service: verified, protocols: ['grpc'], paths: ['/echo.Echo/'], strip_path: false, headers: { 'x-verify': ['1'] } }),
    ],
  }), testSettings());
  try {
    const result = await grpcCall(tlsProxy.port, '/echo.Echo/Unary', [Buffer.from('over tls')]);
    assert.equal(result.status, 0);
    assert.deepEqual(result.messages.map(String), ['over tls']);
    assert.equal(secureEcho.calls.at(-1)![':scheme'], 'https');
    // tls_verify on, the self-signed certificate is not trusted: the call never reaches the upstream.
    const calls = secureEcho.calls.length;
    const refused = await grpcCall(tlsProxy.port, '/echo.Echo/Unary', [Buffer.from('x')], { headers: { 'x-verify': '1' } });
    assert.equal(refused.status, 14);
    assert.equal(secureEcho.calls.length, calls);
  } finally {
    await tlsProxy.close();
    await secureEcho.close();
  }
});
