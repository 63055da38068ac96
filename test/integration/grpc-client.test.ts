// Real gRPC peers on both sides: a @grpc/grpc-js server behind a grpc service and a
// @grpc/grpc-js client calling it through Portico's HTTP/2 flow (unary, server/client
// streaming, bidi, metadata, trailers, status passthrough, deadlines, cancellation, failures).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { startGrpcProxy, type GrpcProxy } from '../../src/proxy/grpc/test-support.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { testSettings } from '../helpers/proxy-harness.ts';
import { listenOnLoopback } from '../helpers/loopback-upstream.ts';

const bytes = { serialize: (value: Buffer) => value, deserialize: (value: Buffer) => value };
function method(name: string, requestStream: boolean, responseStream: boolean) {
  return {
    path: `/echo.Echo/${name}`, requestStream, responseStream,
    requestSerialize: bytes.serialize, requestDeserialize: bytes.deserialize,
    responseSerialize: bytes.serialize, responseDeserialize: bytes.deserialize,
  };
}
const definition = {
  unary: method('Unary', false, false),
  fail: method('Fail', false, false),
  hang: method('Hang', false, false),
  serverStream: method('ServerStream', false, true),
  clientStream: method('ClientStream', true, false),
  bidi: method('Bidi', true, true),
};
const EchoClient = grpc.makeGenericClientConstructor(definition, 'Echo');
type EchoClientType = InstanceType<typeof EchoClient> & Record<string, (...args: unknown[]) => grpc.ClientUnaryCall & grpc.ClientReadableStream<Buffer> & grpc.ClientWritableStream<Buffer> & grpc.ClientDuplexStream<Buffer, Buffer>>;

let server: grpc.Server;
let proxy: GrpcProxy;
let client: EchoClientType;
let cancelledHangs = 0;

before(async () => {
  server = new grpc.Server();
  server.addService(definition, {
    unary(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const head = new grpc.Metadata();
      head.set('x-echo', String(call.metadata.get('x-meta')[0] ?? ''));
      call.sendMetadata(head);
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'done');
      callback(null, Buffer.concat([Buffer.from('echo:'), call.request]), trailer);
    },
    fail(_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      callback({ code: grpc.status.PERMISSION_DENIED, details: 'not you ✋' });
    },
    hang(call: grpc.ServerUnaryCall<Buffer, Buffer>) {
      call.on('cancelled', () => { cancelledHangs += 1; });
    },
    serverStream(call: grpc.ServerWritableStream<Buffer, Buffer>) {
      for (let index = 0; index < 5; index += 1) call.write(Buffer.from(`${call.request.toString()}${index}`));
      call.end();
    },
    clientStream(call: grpc.ServerReadableStream<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const parts: Buffer[] = [];
      call.on('data', (chunk: Buffer) => parts.push(chunk));
      call.on('end', () => callback(null, Buffer.concat(parts)));
    },
    bidi(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
      call.on('data', (chunk: Buffer) => call.write(Buffer.from(chunk.toString().toUpperCase())));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  const holder = createNetServer();
  const closedPort = await listenOnLoopback(holder as never);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  const live = service({ protocol: 'grpc', port });
  const down = service({ protocol: 'grpc', port: closedPort, retries: 0 });
  proxy = await startGrpcProxy(entitySet({
    services: [live, down],
    routes: [
      route({ service: live, protocols: ['grpc'], paths: ['/echo.Echo/'], strip_path: false }),
      route({ service: down, protocols: ['grpc'], paths: ['/echo.Echo/Hang'], strip_path: false, headers: { 'x-down': ['1'] } }),
      route({ service: live, protocols: ['grpcs'], paths: ['/secure.Service/'], strip_path: false }),
    ],
  }), testSettings());
  client = new EchoClient(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure()) as EchoClientType;
});

after(async () => {
  client.close();
  await proxy.close();
  server.forceShutdown();
});

function unary(name: string, request: Buffer, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}) {
  return new Promise<{ error: grpc.ServiceError | null; value: Buffer | undefined; head: grpc.Metadata | null; status: grpc.StatusObject | null }>((resolve) => {
    let head: grpc.Metadata | null = null;
    let status: grpc.StatusObject | null = null;
    let outcome: { error: grpc.ServiceError | null; value: Buffer | undefined } | null = null;
    const finish = () => { if (outcome !== null && status !== null) resolve({ ...outcome, head, status }); };
    const call = client[name]!(request, metadata, options, (error: grpc.ServiceError | null, value?: Buffer) => { outcome = { error, value }; finish(); });
    call.on('metadata', (received: grpc.Metadata) => { head = received; });
    call.on('status', (received: grpc.StatusObject) => { status = received; finish(); });
  });
}

test('unary: response, header metadata and trailing metadata', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('x-meta', 'hello');
  const result = await unary('unary', Buffer.from('ping'), metadata);
  assert.equal(result.error, null);
  assert.equal(result.value!.toString(), 'echo:ping');
  assert.deepEqual(result.head!.get('x-echo'), ['hello']);
  assert.deepEqual(result.head!.get('via'), [`2 kong/${String(result.head!.get('via')[0]).split('kong/')[1]}`]);
  assert.deepEqual(result.status!.metadata.get('x-trailer'), ['done']);
});

test('server streaming, client streaming and bidi calls', async () => {
  const streamed: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = client.serverStream!(Buffer.from('n'));
    call.on('data', (chunk: Buffer) => streamed.push(chunk.toString()));
    call.on('end', () => resolve());
    call.on('error', reject);
  });
  assert.deepEqual(streamed, ['n0', 'n1', 'n2', 'n3', 'n4']);

  const joined = await new Promise<string>((resolve, reject) => {
    const call = client.clientStream!((error: grpc.ServiceError | null, value?: Buffer) => (error ? reject(error) : resolve(value!.toString())));
    for (const part of ['a', 'b', 'c']) call.write(Buffer.from(part));
    call.end();
  });
  assert.equal(joined, 'abc');

  const echoed = await new Promise<string[]>((resolve, reject) => {
    const call = client.bidi!();
    const replies: string[] = [];
    // Each reply arrives before the next message is sent: the call is truly interactive.
    call.on('data', (chunk: Buffer) => {
      replies.push(chunk.toString());
      if (replies.length < 3) call.write(Buffer.from(`m${replies.length}`));
      else call.end();
    });
    call.on('end', () => resolve(replies));
    call.on('error', reject);
    call.write(Buffer.from('m0'));
  });
  assert.deepEqual(echoed, ['M0', 'M1', 'M2']);
});

test('an upstream error status and its (non-ASCII) message reach the client', async () => {
  const result = await unary('fail', Buffer.from('x'));
  assert.equal(result.error!.code, grpc.status.PERMISSION_DENIED, result.error!.details);
  assert.equal(result.error!.details, 'not you ✋');
});

test('the client deadline cancels the upstream call', async () => {
  const before = cancelledHangs;
  const result = await unary('hang', Buffer.from('x'), new grpc.Metadata(), { deadline: Date.now() + 300 });
  assert.equal(result.error!.code, grpc.status.DEADLINE_EXCEEDED);
  for (let waited = 0; cancelledHangs === before && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(cancelledHangs, before + 1, 'the upstream saw the call cancelled');
});

test('an unreachable upstream is UNAVAILABLE; an unknown method path NOT_FOUND', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('x-down', '1');
  const down = await unary('hang', Buffer.from('x'), metadata);
  assert.equal(down.error!.code, grpc.status.UNAVAILABLE);
  assert.equal(down.error!.details, 'An invalid response was received from the upstream server');
  const missing = await callPath('/other.Service/Call');
  assert.equal(missing.code, grpc.status.NOT_FOUND);
  assert.equal(missing.details, 'no Route matched with those values');
});

/** A unary call on any method path; resolves with its error (every call here fails). */
async function callPath(path: string): Promise<grpc.ServiceError> {
  const Other = grpc.makeGenericClientConstructor({ call: { ...method('Call', false, false), path } }, 'Other');
  const other = new Other(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise<grpc.ServiceError>((resolve) => {
      (other as unknown as Record<string, (request: Buffer, callback: (error: grpc.ServiceError) => void) => void>).call!(Buffer.from('x'), resolve);
    });
  } finally {
    other.close();
  }
}

test('a cleartext call on a grpcs-only route is CANCELLED', async () => {
  const refused = await callPath('/secure.Service/Call');
  assert.equal(refused.code, grpc.status.CANCELLED);
  assert.equal(refused.details, 'gRPC request matched gRPCs route');
});
