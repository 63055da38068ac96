// Fixtures for this folder's tests: Kong's healthchecks defaults with per-test overrides, and a
// loopback HTTP target whose answer the test switches while it runs.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Healthchecks, HealthcheckCounters } from '../../../entities/types.ts';

interface Overrides {
  threshold?: number;
  active?: Partial<Omit<Healthchecks['active'], 'healthy' | 'unhealthy'>> & { healthy?: Partial<HealthcheckCounters>; unhealthy?: Partial<HealthcheckCounters> };
  passive?: { healthy?: Partial<HealthcheckCounters>; unhealthy?: Partial<HealthcheckCounters> };
}

/** kong-core §1.5 defaults, everything off, with the given parts replaced. */
export function healthchecks(overrides: Overrides = {}): Healthchecks {
  const { healthy: activeHealthy, unhealthy: activeUnhealthy, ...activeRest } = overrides.active ?? {};
  return {
    threshold: overrides.threshold ?? 0,
    active: {
      type: 'http', timeout: 1, concurrency: 10, http_path: '/', https_verify_certificate: true, https_sni: null, headers: null,
      ...activeRest,
      healthy: { interval: 0, http_statuses: [200, 302], successes: 0, ...activeHealthy },
      unhealthy: { interval: 0, http_statuses: [429, 404, 500, 501, 502, 503, 504, 505], tcp_failures: 0, timeouts: 0, http_failures: 0, ...activeUnhealthy },
    },
    passive: {
      type: 'http',
      healthy: { http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308], successes: 0, ...overrides.passive?.healthy },
      unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0, ...overrides.passive?.unhealthy },
    },
  };
}

export interface SwitchableTarget {
  port: number;
  /** Status every request gets from now on. */
  status: number;
  hits: number;
  close(): Promise<void>;
}

export async function switchableTarget(status = 200): Promise<SwitchableTarget> {
  const server: Server = createServer((_req, res) => {
    target.hits += 1;
    res.writeHead(target.status, { 'Content-Length': '2' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target: SwitchableTarget = {
    port: (server.address() as AddressInfo).port,
    status,
    hits: 0,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return target;
}

/** Polls `check` every 10 ms until it holds or `timeoutMs` passes; resolves with the time it took. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}
