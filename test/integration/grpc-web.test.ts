// The grpc-web plugin through the proxy: plain HTTP/1.1 requests in grpc-web (binary and
// base64 "-text") bridged to a gRPC echo server over HTTP/2, trailers encoded into the body.
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as grpcWeb } from '../../src/plugins/grpc-web/handler.ts';
import { encodeGrpcFrame, GrpcFrameReader } from '../../src/proxy/grpc/grpc-frames.ts';
import { startGrpcEcho, type Listening } from '../../src/proxy/grpc/test-support.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

let echo: Listening;
let proxy: PluginProxyHarness;

function frames(body: Buffer): Array<{ flags: number; text: string }> {
  const reader = new GrpcFrameReader();
  const out = reader.push(body).map((frame) => ({ flags: frame.flags, text: frame.payload.toString() }));
  assert.equal(reader.buffered, 0, 'no partial frame left over');
  return out;
}

before(async () => {
  echo = await startGrpcEcho();
  const upstream = service({ protocol: 'grpc', port: echo.port });
  const full = route({ service: upstream, protocols: ['http'], paths: ['/echo.Echo/'] });
  const stripped = route({ service: upstream, protocols: ['http'], paths: ['/web'] });
  const config = { proto: null, pass_stripped_path: null, allow_origin_header: '*' };
  proxy = await startProxyWithPlugins(entitySet({
    services: [upstream],
    routes: [full, stripped],
    plugins: [
      pluginRow('grpc-web', config, { route: full.id }),
      pluginRow('grpc-web', { ...config, pass_stripped_path: true, allow_origin_header: 'https://app.test' }, { route: stripped.id }),
    ],
  }), [grpcWeb]);
});

after(async () => {
  await proxy.close();
  await echo.close();
});

/** A POST over HTTP/1.1 whose response body is kept as bytes (grpc-web frames are binary). */
function webCall(path: string, contentType: string, body: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxy.port, path, method: 'POST', agent: false, headers: { 'content-type': contentType, 'x-grpc-web': '1', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('binary grpc-web: the message comes back followed by a 0x80 trailer frame', async () => {
  const response = await webCall('/echo.Echo/Unary', 'application/grpc-web+proto', encodeGrpcFrame(Buffer.from('hello')), { 'x-meta': 'm1' });
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/grpc-web+proto');
  assert.equal(response.headers['access-control-allow-origin'], '*');
  assert.equal(response.headers['x-meta-echo'], 'm1');
  assert.deepEqual(frames(response.body), [
    { flags: 0, text: 'hello' },
    { flags: 0x80, text: 'grpc-status:0\r\ngrpc-message:\r\n' },
  ]);
  const seen = echo.calls.at(-1)!;
  assert.equal(seen[':path'], '/echo.Echo/Unary', 'the full request path, not the stripped one');
  assert.equal(seen['content-type'], 'application/grpc');
  assert.equal(seen.te, 'trailers');
});

test('grpc-web-text: base64 both ways, server streaming', async () => {
  const response = await webCall('/echo.Echo/ServerStream', 'application/grpc-web-text', Buffer.from(encodeGrpcFrame(Buffer.from('t')).toString('base64')));
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/grpc-web-text');
  assert.match(response.body.toString(), /^[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(frames(Buffer.from(response.body.toString(), 'base64')), [
    { flags: 0, text: 't#0' }, { flags: 0, text: 't#1' }, { flags: 0, text: 't#2' },
    { flags: 0x80, text: 'grpc-status:0\r\ngrpc-message:\r\n' },
  ]);
});

test('an upstream error status travels in the trailer frame', async () => {
  const response = await webCall('/echo.Echo/Fail', 'application/grpc-web', encodeGrpcFrame(Buffer.from('x')));
  assert.equal(response.status, 200);
  assert.deepEqual(frames(response.body), [{ flags: 0x80, text: 'grpc-status:5\r\ngrpc-message:no such thing\r\n' }]);
});

test('pass_stripped_path sends the stripped path; allow_origin_header is returned', async () => {
  const response = await webCall('/web/echo.Echo/Unary', 'application/grpc-web+proto', encodeGrpcFrame(Buffer.from('p')));
  assert.equal(response.status, 200);
  assert.equal(response.headers['access-control-allow-origin'], 'https://app.test');
  assert.equal(echo.calls.at(-1)![':path'], '/echo.Echo/Unary');
});

test('CORS preflight is answered by the plugin', async () => {
  const calls = echo.calls.length;
  const response = await send(proxy.port, '/web/echo.Echo/Unary', { method: 'OPTIONS', headers: { origin: 'https://app.test' } });
  assert.equal(response.status, 200);
  assert.equal(response.body, 'OK');
  assert.equal(response.headers['access-control-allow-origin'], 'https://app.test');
  assert.equal(response.headers['access-control-allow-methods'], 'POST');
  assert.equal(response.headers['access-control-allow-headers'], 'content-type,x-grpc-web,x-user-agent');
  assert.equal(echo.calls.length, calls, 'nothing reached the upstream');
});

test('JSON or unknown content types without a .proto are refused with 400', async () => {
  for (const type of ['application/grpc-web+json', 'application/json', 'text/plain']) {
    const response = await webCall('/echo.Echo/Unary', type, Buffer.from('{}'));
    assert.equal(response.status, 400, type);
    assert.equal(response.body.toString(), 'transcoding requests require a .proto file defining the service');
  }
});
