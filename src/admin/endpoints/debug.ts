// /debug/node/log-level (kong/api/routes/debug.lua): read or change this node's log level.
// Kong refuses changes in DB-less mode (they are broadcast through the database's cluster events).
import { isLogLevel } from '../../core/logger.ts';
import type { LogLevel } from '../../core/logger.ts';
import type { AdminDeps, RouteHandler } from '../types.ts';
import type { AdminRouter } from '../http/router.ts';
import { AdminHttpError } from '../http/errors.ts';

/** Kong's default `timeout` query (seconds) after which the configured level comes back. */
const DEFAULT_TIMEOUT_S = 60;

export function registerDebugRoutes(router: AdminRouter<RouteHandler>, deps: AdminDeps): void {
  let restore: NodeJS.Timeout | undefined;
  router.add('GET', '/debug/node/log-level', {
    handle: () => ({ status: 200, body: { message: `log level: ${deps.logger.level}` } }),
  });
  router.add('PUT', '/debug/node/log-level/{log_level}', {
    handle: (ctx) => {
      if (deps.settings.database === 'off') {
        throw new AdminHttpError(405, { message: 'cannot change log level when not using a database' });
      }
      const level = ctx.params.log_level!;
      if (!isLogLevel(level)) throw new AdminHttpError(400, { message: `unknown log level: ${level}` });
      const timeoutRaw = ctx.query.get('timeout');
      const timeout = timeoutRaw === null ? DEFAULT_TIMEOUT_S : Number(timeoutRaw);
      if (!Number.isFinite(timeout) || timeout < 0) throw new AdminHttpError(400, { message: 'timeout must be greater than or equal to 0' });
      if (deps.logger.level === level) return { status: 200, body: { message: `log level is already ${level}` } };
      deps.logger.level = level as LogLevel;
      clearTimeout(restore);
      // A temporary change: the configured level returns after `timeout` seconds (0 = keep).
      if (timeout > 0) {
        restore = setTimeout(() => { deps.logger.level = deps.settings.log_level; }, timeout * 1000);
        restore.unref();
      }
      return { status: 200, body: { message: 'log level changed' } };
    },
  });
}
