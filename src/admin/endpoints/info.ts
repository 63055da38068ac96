// Node information endpoints (kong/api/routes/kong.lua): GET /, /endpoints, /plugins/enabled,
// /timers, plus /robots.txt.
import { hostname } from 'node:os';
import { settingsForDisplay } from '../../config/index.ts';
import { KONG_VERSION } from '../../core/version.ts';
import type { AdminDeps, AdminReply, AvailablePlugin, RouteHandler } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';

function available(deps: AdminDeps): Record<string, AvailablePlugin> {
  return deps.availablePlugins?.() ?? {};
}

/** Names of plugins configured anywhere in the current configuration (Kong: `enabled_in_cluster`). */
async function pluginsInUse(deps: AdminDeps): Promise<string[]> {
  const rows = await deps.store().all('plugins');
  return [...new Set(rows.map((row) => String(row.name)))].sort();
}

/**
 * `/endpoints`: Kong sorts its Lapis routes segment-wise (`/` compared as the lowest byte, so
 * `/services/{services}` comes before `/services-x`); /robots.txt is an nginx location, not a route.
 */
function sortEndpoints(paths: string[]): string[] {
  const key = (path: string): string => path.replaceAll('/', '\u0000');
  return paths.filter((p) => p !== '/robots.txt').sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function registerInfoRoutes(router: AdminRouter<RouteHandler>, deps: AdminDeps): void {
  router.add('GET', '/', {
    handle: async (): Promise<AdminReply> => {
      const plugins = available(deps);
      return {
        status: 200,
        body: {
          tagline: 'Welcome to kong',
          version: KONG_VERSION,
          edition: 'community',
          hostname: hostname(),
          node_id: deps.nodeId,
          timers: { running: 0, pending: 0 },
          plugins: {
            available_on_server: plugins,
            enabled_in_cluster: await pluginsInUse(deps),
          },
          // Clients only check the key exists; say honestly which runtime serves the API.
          lua_version: `Node.js ${process.version}`,
          // log_level shows the level in effect (it may have been changed through /debug).
          configuration: { ...settingsForDisplay(deps.settings), log_level: deps.logger.level },
          pids: {
            master: process.ppid,
            workers: deps.workerPids?.() ?? [process.pid],
          },
        },
      };
    },
  });
  router.add('GET', '/endpoints', {
    handle: () => ({ status: 200, body: { data: sortEndpoints(router.templates()) } }),
  });
  router.add('GET', '/plugins/enabled', {
    handle: () => ({ status: 200, body: { enabled_plugins: Object.keys(available(deps)).sort() } }),
  });
  router.add('GET', '/timers', {
    handle: () => ({
      status: 200,
      body: {
        worker: { id: Number(process.env.PORTICO_WORKER_ID ?? 0), count: deps.settings.worker_processes },
        stats: {
          sys: { running: 0, runs: 0, pending: 0, waiting: 0, total: 0 },
          timers: {},
          flamegraph: { running: '', pending: '', elapsed_time: '' },
        },
      },
    }),
  });
  router.add('GET', '/robots.txt', {
    handle: () => ({ status: 200, text: 'User-agent: *\nDisallow: /', headers: { 'Content-Type': 'text/plain' } }),
  });
}
