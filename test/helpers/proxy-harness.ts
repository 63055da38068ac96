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
import { NodeCache, type AnyPluginDefinition, type PdkEnvironment } from '../../src/pdk/index.ts';
import { buildPluginTable, createPluginRegistry } from '../../src/pipeline/index.ts';

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
  /** Names as sent on the wire, alternating with values. */
  rawHeaders: string[];
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
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface PluginProxyHarness extends ProxyHarness {
  /** Log lines (JSON) written by plugins and the plugin runner. */
  logLines: string[];
}

/**
 * The in-process proxy with plugins: a registry of `plugins` (enabled by name), the plugin table
 * of `entities.plugins` built as a worker builds it, consumers loadable by id or username.
 */
export async function startProxyWithPlugins(
  entities: EntitySet, plugins: readonly AnyPluginDefinition[], overrides: Record<string, string> = {},
): Promise<PluginProxyHarness> {
  const logLines: string[] = [];
  const registry = await createPluginRegistry(plugins.map((plugin) => plugin.name), [], { bundled: plugins });
  const environment: PdkEnvironment = {
    logger: createLogger('info', {}, (line) => { logLines.push(line); }),
    cache: new NodeCache(),
    nodeId: '00000000-0000-4000-8000-0000000000aa',
    loadConsumer: async (key, byUsername) =>
      entities.consumers.find((consumer) => consumer.id === key || (byUsername && consumer.username === key)) ?? null,
    upstreamExists: (name) => entities.upstreams.some((upstream) => upstream.name === name),
  };
  const table = await buildPluginTable(entities.plugins, registry, { version: 1, environment });
  const harness = await startProxy(entities, overrides, { plugins: table });
  return { ...harness, logLines };
}
