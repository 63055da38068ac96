import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import { LEAF_CERT, LEAF_KEY } from '../../entities/test-fixtures.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { plugin } from './handler.ts';

registerPluginSchema(plugin.name, plugin.schema);
const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
const validate = (config: Record<string, unknown>) =>
  entityDefinitions.plugins.validate({ name: 'tcp-log', config }, 'insert').config as Record<string, unknown>;

/** A line receiver; records connections and the SNI the client sent. */
async function receiver(tls: boolean) {
  const lines: string[] = [];
  const servernames: Array<string | false | null> = [];
  let connections = 0;
  const open = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    connections++;
    open.add(socket);
    if (tls) servernames.push((socket as TLSSocket).servername);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      let at: number;
      while ((at = buffered.indexOf('\n')) !== -1) { lines.push(buffered.slice(0, at)); buffered = buffered.slice(at + 1); }
    });
    socket.on('error', () => undefined);
  };
  const server: Server = tls ? createTlsServer({ cert: LEAF_CERT, key: LEAF_KEY }, onSocket) : createTcpServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const waitFor = async (count: number) => {
    const deadline = Date.now() + 3000;
    while (lines.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} lines, got ${lines.length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return lines;
  };
  return {
    port: (server.address() as AddressInfo).port, waitFor, servernames, connections: () => connections,
    close: () => { server.close(); for (const socket of open) socket.destroy(); },
  };
}

async function send(config: Record<string, unknown>, count: number) {
  const harness = await createPluginHarness({ plugins: [plugin], rows: [pluginRow('tcp-log', validate(config))] });
  for (let i = 0; i < count; i++) await harness.request({ route, service, path: `/t${i}` }, { status: 200, body: 'ok' });
}

test('sends one JSON line per request over one kept-alive connection', async () => {
  const server = await receiver(false);
  try {
    await send({ host: '127.0.0.1', port: server.port }, 3);
    const lines = await server.waitFor(3);
    assert.deepEqual(lines.map((line) => JSON.parse(line).request.uri), ['/t0', '/t1', '/t2']);
    assert.equal(server.connections(), 1);
  } finally {
    server.close();
  }
});

test('tls: true speaks TLS with the configured SNI', async () => {
  const server = await receiver(true);
  try {
    await send({ host: '127.0.0.1', port: server.port, tls: true, tls_sni: 'logs.example.test', custom_fields: { via: 'tls' } }, 1);
    const [line] = await server.waitFor(1);
    assert.equal(JSON.parse(line!).via, 'tls');
    assert.deepEqual(server.servernames, ['logs.example.test']);
  } finally {
    server.close();
  }
});

test('schema: host and port required; defaults as Kong', () => {
  assert.throws(() => validate({ port: 1 }), (error: Error & { fields?: unknown }) => /required field missing/.test(JSON.stringify(error.fields)));
  assert.throws(() => validate({ host: 'a', port: 70000 }), (error: Error & { fields?: unknown }) => /port/.test(JSON.stringify(error.fields)));
  const conf = validate({ host: 'a', port: 1 });
  assert.deepEqual([conf.timeout, conf.keepalive, conf.tls], [10000, 60000, false]);
});

test('a refused connection is logged and later entries still go out once the server is up', async () => {
  const { LogConnection } = await import('./connection.ts');
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const connection = new LogConnection({ host: '127.0.0.1', port, timeout: 1000, keepalive: 1000, tls: false, tlsSni: null });
  await assert.rejects(connection.write('lost\n'), /ECONNREFUSED/);
  const lines: string[] = [];
  const server = createTcpServer((socket) => socket.on('data', (chunk) => lines.push(chunk.toString())));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    await connection.write('kept\n');
    const deadline = Date.now() + 2000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(lines, ['kept\n']);
  } finally {
    connection.close();
    server.close();
  }
});
