// GET /metrics on the Admin and Status APIs (Kong's prometheus plugin api.lua and status API):
// the exposition comes from the composition root (the plugin's exporter, merged over workers);
// this endpoint adds what only the API layer knows (connection counters, datastore reachability).
import type { AdminRouter } from '../http/router.ts';
import type { RouteHandler, ServerCounters, StatusDeps } from '../types.ts';
import { databaseReachable } from './status.ts';

/** Kong's exporter content type. */
const CONTENT_TYPE = 'text/plain; charset=UTF-8';

export function registerMetricsRoute(router: AdminRouter<RouteHandler>, deps: StatusDeps, counters: () => ServerCounters): void {
  const metrics = deps.metrics;
  if (metrics === undefined) return;
  router.add('GET', '/metrics', {
    handle: async () => {
      const text = await metrics({ counters: (await deps.counters?.()) ?? counters(), datastoreReachable: await databaseReachable(deps) });
      return { status: 200, text, headers: { 'Content-Type': CONTENT_TYPE } };
    },
  });
}
