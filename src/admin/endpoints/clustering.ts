// /clustering endpoints (kong/api/routes/clustering.lua). Only a control plane answers them;
// Portico has no hybrid mode yet, so a control plane reports no connected data planes.
import type { Settings } from '../../config/types.ts';
import type { RouteHandler } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';
import { AdminHttpError } from '../http/errors.ts';

const ONLY_CP = 'this endpoint is only available when Kong is configured to run as Control Plane for the cluster';

function requireControlPlane(settings: Settings): void {
  if (settings.role !== 'control_plane') throw new AdminHttpError(400, { message: ONLY_CP });
}

export function registerClusteringRoutes(router: AdminRouter<RouteHandler>, settings: Settings): void {
  router.add('GET', '/clustering/data-planes', {
    handle: () => {
      requireControlPlane(settings);
      return { status: 200, body: { data: [], next: null } };
    },
  });
  router.add('GET', '/clustering/status', {
    handle: () => {
      requireControlPlane(settings);
      // Deprecated in Kong, which flags it with a Deprecation header.
      return { status: 200, body: {}, headers: { Deprecation: 'true' } };
    },
  });
}
