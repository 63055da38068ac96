// The Status API (status_listen, kong/status/init.lua): GET /status and the readiness probe
// GET/POST /status/ready. Read-only; never exposes configuration.
import type http from 'node:http';
import { createApiServer } from './http/server.ts';
import { AdminRouter } from './http/router.ts';
import { AdminHttpError } from './http/errors.ts';
import { notReadyReason, statusHandler } from './endpoints/status.ts';
import { registerMetricsRoute } from './endpoints/metrics.ts';
import type { RouteHandler, StatusDeps } from './types.ts';

export function createStatusServer(deps: StatusDeps): http.Server {
  const router = new AdminRouter<RouteHandler>();
  let draining = false;
  const api = createApiServer(router, {
    settings: deps.settings,
    logger: deps.logger,
    maxBodySize: deps.settings.admin_client_max_body_size,
  });
  router.add('GET', '/status', { handle: statusHandler(deps, () => api.connections.snapshot()) });
  registerMetricsRoute(router, deps, () => api.connections.snapshot());
  router.add('GET', '/status/ready', {
    handle: () => {
      const reason = notReadyReason(deps, draining);
      return reason === null ? { status: 200, body: { message: 'ready' } } : { status: 503, body: { message: reason } };
    },
  });
  router.add('POST', '/status/ready', {
    handle: (ctx) => {
      // Lets a load balancer drain this node before shutdown: readiness turns 503 `draining`.
      if (ctx.body.args.status !== 'draining') {
        throw new AdminHttpError(400, { message: "expected 'status' to be 'draining'" });
      }
      draining = true;
      deps.onDraining?.();
      return { status: 204 };
    },
  });
  return api.server;
}
