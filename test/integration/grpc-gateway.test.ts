// The grpc-gateway plugin through the proxy: REST calls (path variables, query arguments, JSON
// bodies) transcoded with a .proto's google.api.http bindings to a gRPC server over HTTP/2,
// answers and gRPC errors back as JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Http2Server } from 'node:http2';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as Protobuf from 'protobufjs';
import { pluginRow } from '../../src/pipeline/index.ts';
import { plugin as grpcGateway } from '../../src/plugins/grpc-gateway/handler.ts';
import { encodeGrpcFrame, GrpcFrameReader } from '../../src/proxy/grpc/grpc-frames.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;

const PROTO = `syntax = "proto3";
package hello;
import "google/api/annotations.proto";
import "google/protobuf/empty.proto";

service HelloService {
  rpc SayHello(HelloRequest) returns (HelloResponse) {
    option (google.api.http) = {
      get: "/v1/messages/{name}"
      additional_bindings { post: "/v1/messages" body: "*" }
    };
  }
  rpc Fail(HelloRequest) returns (HelloResponse) {
    option (google.api.http) = { get: "/v1/fail/{name}" };
  }
  rpc Ping(google.protobuf.Empty) returns (HelloResponse) {
    option (google.api.http).get = "/v1/ping";
  }
}
message HelloRequest { string name = 1; int32 count = 2; bool loud = 3; }
message HelloResponse { string reply = 1; int64 big = 2; bool loud = 3; repeated string tags = 4; }
`;

let upstream: Http2Server;
let proxy: PluginProxyHarness;
const seen: Array<{ path: string; contentType: string | undefined; request: Record<string, unknown> }> = [];

before(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'portico-grpc-gateway-'));
  const protoPath = join(folder, 'hello.proto');
  writeFileSync(protoPath, PROTO);
  const root = protobuf.parse(PROTO, { keepCase: true }).root;
  root.addJSON((protobuf.common as unknown as Record<string, Protobuf.INamespace>)['google/protobuf/empty.proto']!.nested!);
  const requestType = root.lookupType('hello.HelloRequest');
  const responseType = root.lookupType('hello.HelloResponse');

  upstream = createServer();
  upstream.on('stream', (stream, headers) => {
    const reader = new GrpcFrameReader();
    const frames: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => frames.push(...reader.push(chunk).map((frame) => frame.payload)));
    stream.on('end', () => {
      const path = String(headers[':path']);
      const request = path.endsWith('/Ping') ? {} : requestType.toObject(requestType.decode(frames[0] ?? Buffer.alloc(0)), { defaults: true });
      seen.push({ path, contentType: headers['content-type'], request });
      if (path.endsWith('/Fail')) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '7', 'grpc-message': 'not for you' }, { endStream: true });
        return;
      }
      const reply = path.endsWith('/Ping') ? {} : { reply: `hello ${String(request.name)} x${String(request.count)}`, big: '9007199254740993', loud: request.loud, tags: ['a'] };
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(encodeGrpcFrame(Buffer.from(responseType.encode(responseType.fromObject(reply)).finish())));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const grpcService = service({ protocol: 'grpc', port: (upstream.address() as AddressInfo).port });
  const rest = route({ service: grpcService, protocols: ['http'], paths: ['/v1'], strip_path: false });
  const missing = route({ service: grpcService, protocols: ['http'], paths: ['/nofile'], strip_path: false });
  proxy = await startProxyWithPlugins(entitySet({
    services: [grpcService],
    routes: [rest, missing],
    plugins: [
      pluginRow('grpc-gateway', { proto: protoPath }, { route: rest.id }),
      pluginRow('grpc-gateway', { proto: join(folder, 'absent.proto') }, { route: missing.id }),
    ],
  }), [grpcGateway]);
});

after(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('GET with a path variable and query arguments becomes a gRPC call; the reply is JSON', async () => {
  const response = await send(proxy.port, '/v1/messages/kong?count=3&loud=true');
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.equal(response.headers['access-control-allow-origin'], '*');
  // Defaults included, int64 as a string, proto field names.
  assert.deepEqual(JSON.parse(response.body), { reply: 'hello kong x3', big: '9007199254740993', loud: true, tags: ['a'] });
  const call = seen.at(-1)!;
  assert.equal(call.path, '/hello.HelloService/SayHello');
  assert.equal(call.contentType, 'application/grpc');
  assert.deepEqual(call.request, { name: 'kong', count: 3, loud: true });
});

test('POST with body "*" maps the JSON body onto the request message', async () => {
  const response = await send(proxy.port, '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'body', count: 2 }) });
  assert.equal(response.status, 200);
  assert.equal(JSON.parse(response.body).reply, 'hello body x2');
  assert.deepEqual(seen.at(-1)!.request, { name: 'body', count: 2, loud: false });
});

test('a method taking google.protobuf.Empty answers with every default', async () => {
  const response = await send(proxy.port, '/v1/ping');
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body), { reply: '', big: '0', loud: false, tags: [] });
});

test('a gRPC error becomes the mapped HTTP status with a JSON error', async () => {
  const response = await send(proxy.port, '/v1/fail/x');
  assert.equal(response.status, 403);
  assert.deepEqual(JSON.parse(response.body), { code: 7, message: 'not for you' });
});

test('unknown paths, bad bodies and missing .proto files are 400 with the error text', async () => {
  const calls = seen.length;
  const unknown = await send(proxy.port, '/v1/nothing');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body, 'failed to transcode .proto file Unknown path "/v1/nothing"');
  const badBody = await send(proxy.port, '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
  assert.equal(badBody.status, 400);
  assert.match(badBody.body, /^failed to decode request body/);
  const badNumber = await send(proxy.port, '/v1/messages/kong?count=many');
  assert.equal(badNumber.status, 400);
  const noFile = await send(proxy.port, '/nofile');
  assert.equal(noFile.status, 400);
  assert.match(noFile.body, /^failed to transcode \.proto file .*absent\.proto/);
  assert.equal(seen.length, calls, 'nothing reached the upstream');
});

test('CORS preflight is answered by the plugin', async () => {
  const response = await send(proxy.port, '/v1/messages', { method: 'OPTIONS' });
  assert.equal(response.status, 200);
  assert.equal(response.body, 'OK');
  assert.equal(response.headers['access-control-allow-methods'], 'GET,POST,PATCH,DELETE');
  assert.equal(response.headers['access-control-allow-headers'], 'content-type');
});
