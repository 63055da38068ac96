import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Healthchecks } from '../../../entities/types.ts';
import { selfSignedCertificate } from '../../../store/declarative/test-certificate.ts';
import { probe } from './probe.ts';

function active(overrides: Partial<Healthchecks['active']> = {}): Healthchecks['active'] {
  return {
    type: 'http', timeout: 1, concurrency: 10, http_path: '/', https_verify_certificate: true, https_sni: null, headers: null,
    healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
    unhealthy: { interval: 0, http_statuses: [500], tcp_failures: 0, timeouts: 0, http_failures: 0 },
    ...overrides,
  };
}

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const openSockets = new WeakMap<TcpServer, Set<Socket>>();

/** A raw TCP server whose sockets close() destroys (their errors are expected here). */
function tcpServer(onSocket: (socket: Socket) => void): TcpServer {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  openSockets.set(server, sockets);
  return server;
}

function close(server: Server | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  for (const socket of openSockets.get(server) ?? []) socket.destroy();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

const at = (port: number, hostname = 'api.test') => ({ targetId: 't', ip: '127.0.0.1', port, hostname });

test('http probe sends GET http_path with Host and the configured headers, and reports the status', async () => {
  let seen: { url: string | undefined; headers: IncomingHttpHeaders; version: string } | null = null;
  const server = createServer((req, res) => {
    seen = { url: req.url, headers: req.headers, version: req.httpVersion };
    res.writeHead(503).end('down');
  });
  const port = await listen(server);
  try {
    const outcome = await probe(at(port), active({ http_path: '/status', headers: { 'x-probe': ['a', 'b'] } }));
    assert.deepEqual(outcome, { kind: 'http_status', status: 503 });
    assert.equal(seen!.url, '/status');
    assert.equal(seen!.version, '1.0');
    assert.equal(seen!.headers.host, 'api.test');
    assert.equal(seen!.headers['x-probe'], 'a, b');
  } finally {
    await close(server);
  }
});

test('a closed port is a tcp failure and a silent server a timeout within active.timeout', async () => {
  const spare = createServer();
  const closedPort = await listen(spare);
  await close(spare);
  assert.deepEqual(await probe(at(closedPort), active()), { kind: 'tcp_failure' });

  const silent = tcpServer(() => { /* accept, never answer */ });
  const port = await listen(silent);
  try {
    const started = Date.now();
    assert.deepEqual(await probe(at(port), active({ timeout: 0.2 })), { kind: 'timeout' });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 180 && elapsed < 1000, `timed out after ${elapsed} ms`);
  } finally {
    await close(silent);
  }
});

test('a reset or a non-HTTP answer is a tcp failure; a tcp probe only needs the connection', async () => {
  const resetter = tcpServer((socket) => socket.resetAndDestroy());
  const garbage = tcpServer((socket) => socket.end('SSH-2.0-nope\r\n'));
  const resetPort = await listen(resetter);
  const garbagePort = await listen(garbage);
  try {
    assert.deepEqual(await probe(at(resetPort), active()), { kind: 'tcp_failure' });
    assert.deepEqual(await probe(at(garbagePort), active()), { kind: 'tcp_failure' });
    assert.deepEqual(await probe(at(garbagePort), active({ type: 'tcp' })), { kind: 'success' });
  } finally {
    await Promise.all([close(resetter), close(garbage)]);
  }
});

test('https probes verify the certificate unless https_verify_certificate is off, and send https_sni', async () => {
  const { cert, key } = selfSignedCertificate('probe.test');
  let sni: string | undefined;
  const server = createHttpsServer({ cert, key }, (req, res) => {
    sni = (req.socket as import('node:tls').TLSSocket).servername || undefined;
    res.writeHead(200).end();
  });
  const port = await listen(server);
  try {
    assert.deepEqual(await probe(at(port), active({ type: 'https' })), { kind: 'tcp_failure' });
    assert.deepEqual(await probe(at(port), active({ type: 'https', https_verify_certificate: false, https_sni: 'probe.test' })), { kind: 'http_status', status: 200 });
    assert.equal(sni, 'probe.test');
  } finally {
    await close(server);
  }
});
