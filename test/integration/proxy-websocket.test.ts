// WebSocket through the proxy (kong-core §4.1/§4.6, security-and-reliability §2.12).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { closedPort, closeServer, listenOnLoopback, rawExchange } from '../helpers/loopback-upstream.ts';
import { startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

describe('websocket proxying', () => {
  let server: Server;
  let wss: WebSocketServer;
  let proxy: ProxyHarness;
  const upgrades: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const plainRequests: string[] = [];

  before(async () => {
    server = createServer((req, res) => { plainRequests.push(req.url!); res.end('plain'); });
    wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      upgrades.push({ url: req.url!, headers: req.headers });
      if (req.url!.startsWith('/forbidden')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\nno way');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    });
    const port = await listenOnLoopback(server);
    const svc = service({ port });
    const dead = service({ port: await closedPort() });
    proxy = await startProxy(entitySet({
      services: [svc, dead],
      routes: [route({ service: svc, paths: ['/ws', '/forbidden'], strip_path: false }), route({ service: dead, paths: ['/dead'] })],
    }));
  });
  after(async () => { await proxy.close(); wss.close(); await closeServer(server); });

  it('echoes text and binary messages through the proxy with Kong upgrade headers', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws/chat`);
    let opened: IncomingHttpHeaders = {};
    ws.once('upgrade', (res) => { opened = res.headers; });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    assert.match(String(opened['x-kong-request-id']), /^[0-9a-f]{32}$/);
    const replies: string[] = [];
    const done = new Promise<void>((resolve) => ws.on('message', (data) => { replies.push(data.toString()); if (replies.length === 2) resolve(); }));
    ws.send('hello');
    ws.send(Buffer.from('bin'));
    await done;
    assert.deepEqual(replies, ['hello', 'bin']);
    await new Promise((resolve) => { ws.once('close', resolve); ws.close(); });
    const seen = upgrades.at(-1)!;
    assert.equal(seen.url, '/ws/chat');
    assert.equal(seen.headers.connection, 'keep-alive, Upgrade');
    assert.equal(seen.headers.upgrade, 'websocket');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers.via, '1.1 kong/3.10.0');
  });

  it('relays a refused upgrade and never forwards bytes the client sent after it', async () => {
    const response = await rawExchange(proxy.port,
      'GET /forbidden HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n' +
      'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(response, /^HTTP\/1\.1 403 /);
    assert.match(response, /no way$/);
    assert.ok(!plainRequests.includes('/smuggled'));
    assert.ok(!upgrades.some((entry) => entry.url === '/smuggled'));
  });

  it('answers 404 to an upgrade that matches no route', async () => {
    const response = await rawExchange(proxy.port,
      'GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.match(response, /^HTTP\/1\.1 404 /);
    assert.match(response, /"message":"no Route matched with those values"/);
  });

  it('answers 502 when the WebSocket upstream refuses the connection', async () => {
    const response = await rawExchange(proxy.port,
      'GET /dead HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.match(response, /^HTTP\/1\.1 502 /);
    assert.match(response, /An invalid response was received from the upstream server\nrequest_id: [0-9a-f]{32}\n$/);
  });
});
