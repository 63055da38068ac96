// Runs Portico's proxy in-process for tests: settings from the real loader (Kong defaults plus
// overrides), a snapshot built from hand-made entities, a proxy server on 127.0.0.1:0 with its
// own upstream pools.
import { request as httpRequest, type Server } from 'node:http';
import { loadSettings } from '../../src/config/index.ts';
import type { Settings } from '../../src/config/types.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { EntitySet } from '../../src/entities/types.ts';
import { buildSnapshot, createProxyServer, UpstreamPools, type Snapshot, type SnapshotOptions } from '../../src/proxy/index.ts';
import { closeServer, listenOnLoopback } from './loopback-upstream.ts';

export interface ProxyHarness {
  port: number;
  url: string;
  settings: Settings;
  server: Server;
  snapshot: Snapshot;
  close(): Promise<void>;
}

export function testSettings(overrides: Record<string, string> = {}): Settings {
  return loadSettings({ env: {}, overrides, cwd: '/tmp', confPath: '/dev/null' });
}

export async function startProxy(entities: EntitySet, overrides: Record<string, string> = {}, options: SnapshotOptions = {}): Promise<ProxyHarness> {
  const settings = testSettings(overrides);
  const snapshot = buildSnapshot(entities, settings, 1, options);
  const pools = new UpstreamPools(settings);
  const logger = createLogger('crit');
  const server = createProxyServer(settings, () => snapshot, logger, { pools });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    settings,
    server,
    snapshot,
    async close() {
      await closeServer(server);
      await pools.close();
      snapshot.close();
    },
  };
}

export interface SentResponse {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  body: string;
}

/** One request with node:http (any Host, raw header arrays), fresh connection, whole body read. */
export function send(
  port: number, path: string, options: { method?: string; headers?: Record<string, string | string[]> | string[]; body?: string | Buffer } = {},
): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
