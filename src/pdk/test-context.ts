// A PluginRequestContext + request PDK for the PDK's own unit tests (no pipeline needed).
import { createLogger } from '../core/logger.ts';
import { NodeCache } from './cache.ts';
import { PluginRequestContext, type PhaseName } from './context.ts';
import { createNodePdk, createRequestPdk, pdkForPlugin, type Pdk, type PdkEnvironment } from './pdk.ts';
import { PluginLog } from './log.ts';

export interface TestRequest {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  phase?: PhaseName;
}

/** A fresh context and the `kong` a plugin named `test` would see. */
export function testPdk(request: TestRequest = {}, lines: string[] = []): { ctx: PluginRequestContext; kong: Pdk } {
  const body = Buffer.from(request.body ?? '');
  const ctx = new PluginRequestContext({
    requestId: 'f'.repeat(32),
    request: {
      method: request.method ?? 'GET', scheme: 'http', host: 'example.test', port: 8000, path: request.path ?? '/',
      rawQuery: request.query ?? '', headers: request.headers ?? {}, readBody: async () => body,
      forwardedScheme: 'https', forwardedHost: 'front.test', forwardedPort: 443, forwardedPath: request.path ?? '/',
    },
    client: { ip: '10.0.0.1', forwardedIp: '203.0.113.9', port: 5555, forwardedPort: 6666 },
  });
  ctx.phase = request.phase ?? 'access';
  const logger = createLogger('debug', {}, (line) => { lines.push(line); });
  const environment: PdkEnvironment = {
    logger, cache: new NodeCache(), nodeId: 'node-1', hostname: 'host-1',
    loadConsumer: async (key) => (key === 'c1' ? { id: 'c1', created_at: 0, updated_at: 0, username: 'u', custom_id: null, tags: null } : null),
    upstreamExists: (name) => name === 'known-upstream',
  };
  const base = createRequestPdk(createNodePdk(environment, 'test'), environment, ctx);
  return { ctx, kong: pdkForPlugin(base, ctx, 'test', new PluginLog(logger.child({ plugin: 'test' }), ctx)) };
}
