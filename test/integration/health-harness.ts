// Shared by the health-*.test.ts files: the in-process proxy with node health wired the way a
// single-process node wires it (createLocalHealth), loopback targets that can go down and come
// back on the same port, and a keep-alive client for request volume.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Pool } from 'undici';
import type { EntitySet } from '../../src/entities/types.ts';
import { createLocalHealth, type LocalHealth } from '../../src/proxy/index.ts';
import { startProxy, type ProxyHarness } from '../helpers/proxy-harness.ts';

export interface HealthProxy {
  proxy: ProxyHarness;
  local: LocalHealth;
  client: Pool;
  /** GET through the proxy on a kept-alive connection: status and body. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startHealthProxy(entities: EntitySet): Promise<HealthProxy> {
  let proxy: ProxyHarness | null = null;
  const local = createLocalHealth(() => proxy?.snapshot.upstreams.values() ?? []);
  proxy = await startProxy(entities, {}, { health: local.health });
  local.monitor.sync();
  const started = proxy;
  const client = new Pool(started.url, { connections: 32 });
  return {
    proxy: started,
    local,
    client,
    async get(path, headers = {}) {
      const res = await client.request({ path, method: 'GET', headers: { host: 'health.test', ...headers } });
      return { status: res.statusCode, body: await res.body.text() };
    },
    async close() {
      local.monitor.close();
      await client.close();
      await started.close();
    },
  };
}

/**
 * A target answering `status` with its name as body; `down()` closes it (listener and every
 * connection), `up()` listens again on the same port. `hits` counts requests received.
 */
export class FlappingTarget {
  readonly name: string;
  status = 200;
  /** Milliseconds to wait before answering (a slow target). */
  delayMs = 0;
  /** Reset each connection instead of answering. */
  reset = false;
  hits = 0;
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(name: string) {
    this.name = name;
  }

  async up(): Promise<this> {
    const server = createServer((req, res) => {
      this.hits += 1;
      if (this.reset) { req.socket.resetAndDestroy(); return; }
      const answer = (): void => { res.writeHead(this.status, { 'Content-Length': Buffer.byteLength(this.name) }).end(this.name); };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs);
      else answer();
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function targets(...names: string[]): Promise<FlappingTarget[]> {
  return Promise.all(names.map((name) => new FlappingTarget(name).up()));
}

export { eventually, healthchecks } from '../../src/proxy/balancer/health/test-support.ts';
