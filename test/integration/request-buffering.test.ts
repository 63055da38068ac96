// Kong's route.request_buffering (kong-core §4.6): on by default, the whole body is read before
// the upstream is contacted (in memory up to client_body_buffer_size, sent with its
// Content-Length); off, or beyond the buffer size, the body streams as it arrives. With plugins
// as without.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { definePlugin, type AnyPluginDefinition } from '../../src/pdk/index.ts';
import { pluginRow } from '../../src/pipeline/index.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { startProxy, startProxyWithPlugins, type ProxyHarness, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

const EMPTY_SCHEMA = { config: { type: 'record', fields: {} } } as const;
const tagger = definePlugin({
  name: 'tagger', version: '1.0.0', priority: 900, schema: EMPTY_SCHEMA,
  access(kong) { kong.service.request.set_header('X-Tagged', 'yes'); },
}) as AnyPluginDefinition;

interface Arrival { url: string; headAt: number; body: Buffer; headers: Record<string, string | string[] | undefined> }

/** An upstream that notes when each request head arrived, before reading its body. */
async function recordingUpstream(arrivals: Arrival[]): Promise<Upstream> {
  const upstream = await startUpstream();
  upstream.server.removeAllListeners('request');
  upstream.server.on('request', (req, res) => {
    const arrival: Arrival = { url: req.url ?? '', headAt: Date.now(), body: Buffer.alloc(0), headers: req.headers };
    arrivals.push(arrival);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      arrival.body = Buffer.concat(chunks);
      res.end(`got ${arrival.body.length}`);
    });
  });
  return upstream;
}

/** Sends a head and the first part of a body, leaving the socket open for the rest. */
function startUpload(port: number, path: string, length: number, first: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: local\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${first}`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

function finishUpload(socket: Socket, rest: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    socket.on('close', () => resolve(text));
    socket.write(rest);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function suite(name: string, start: (entities: ReturnType<typeof entitySet>) => Promise<ProxyHarness | PluginProxyHarness>, withPlugin: boolean): void {
  describe(name, () => {
    const arrivals: Arrival[] = [];
    let upstream: Upstream;
    let proxy: ProxyHarness | PluginProxyHarness;
    before(async () => {
      upstream = await recordingUpstream(arrivals);
      const svc = service({ port: upstream.port });
      const buffered = route({ service: svc, paths: ['/buffered'], strip_path: false });
      const streamed = route({ service: svc, paths: ['/streamed'], strip_path: false, request_buffering: false });
      proxy = await start(entitySet({
        services: [svc], routes: [buffered, streamed],
        plugins: withPlugin ? [pluginRow('tagger', {})] : [],
      }));
    });
    after(async () => { await proxy.close(); await upstream.close(); });

    const arrivalsFor = (url: string): Arrival[] => arrivals.filter((arrival) => arrival.url === url);

    it('reads a small body completely before contacting the upstream, and sends it with its length', async () => {
      const socket = await startUpload(proxy.port, '/buffered', 10, '0123');
      await sleep(150);
      assert.equal(arrivalsFor('/buffered').length, 0, 'the upstream saw the request before the body was complete');
      const answer = await finishUpload(socket, '456789');
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.match(answer, /got 10$/);
      const [arrival] = arrivalsFor('/buffered');
      assert.equal(arrival!.body.toString(), '0123456789');
      assert.equal(arrival!.headers['content-length'], '10');
      assert.equal(arrival!.headers['x-tagged'], withPlugin ? 'yes' : undefined);
    });

    it('streams when the route turns request_buffering off', async () => {
      const socket = await startUpload(proxy.port, '/streamed', 10, '0123');
      await sleep(150);
      assert.equal(arrivalsFor('/streamed').length, 1, 'the upstream should see the head while the body is still coming');
      const answer = await finishUpload(socket, '456789');
      assert.match(answer, /got 10$/);
      assert.equal(arrivalsFor('/streamed')[0]!.body.toString(), '0123456789');
    });

    it('streams a body larger than client_body_buffer_size', async () => {
      const size = 64 * 1024;
      const socket = await startUpload(proxy.port, '/buffered?big', size, 'x'.repeat(1024));
      await sleep(150);
      assert.equal(arrivalsFor('/buffered?big').length, 1, 'a body over the buffer size is not held back');
      const answer = await finishUpload(socket, 'y'.repeat(size - 1024));
      assert.match(answer, new RegExp(`got ${size}$`));
    });

    it('never contacts the upstream when the client goes away mid-body, and keeps serving', async () => {
      const socket = await startUpload(proxy.port, '/buffered?gone', 10, '01');
      await sleep(50);
      socket.destroy();
      await sleep(100);
      assert.equal(arrivalsFor('/buffered?gone').length, 0);
      const res = await fetch(`${proxy.url}/buffered?after`, { method: 'POST', body: 'abc' });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'got 3');
    });
  });
}

suite('request_buffering without plugins', (entities) => startProxy(entities), false);
suite('request_buffering with plugins', (entities) => startProxyWithPlugins(entities, [tagger]), true);
