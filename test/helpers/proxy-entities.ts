// Hand-built Kong entity rows for proxy tests: every field present with Kong's defaults, so a
// test states only what it is about.
import { randomUUID } from 'node:crypto';
import type { EntitySet, Route, Service, Target, Upstream } from '../../src/entities/types.ts';

let clock = 1_700_000_000;

export function service(fields: Partial<Service> = {}): Service {
  clock += 1;
  return {
    id: randomUUID(), created_at: clock, updated_at: clock, name: null, retries: 5, protocol: 'http',
    host: '127.0.0.1', port: 80, path: null, connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000,
    tags: null, client_certificate: null, tls_verify: null, tls_verify_depth: null, ca_certificates: null, enabled: true,
    ...fields,
  };
}

export function route(fields: Partial<Route> & { service: Service | null }): Route {
  clock += 1;
  const { service: owner, ...rest } = fields;
  return {
    id: randomUUID(), created_at: clock, updated_at: clock, name: null, protocols: ['http', 'https'], methods: null,
    hosts: null, paths: null, headers: null, snis: null, sources: null, destinations: null,
    https_redirect_status_code: 426, regex_priority: 0, strip_path: true, preserve_host: false,
    request_buffering: true, response_buffering: true, path_handling: 'v0', tags: null,
    ...rest,
    service: owner === null ? null : { id: owner.id },
  };
}

export function upstream(fields: Partial<Upstream> & { name: string }): Upstream {
  clock += 1;
  const counters = { http_statuses: [] as number[] };
  return {
    id: randomUUID(), created_at: clock, updated_at: clock, algorithm: 'round-robin', hash_on: 'none',
    hash_fallback: 'none', hash_on_header: null, hash_fallback_header: null, hash_on_cookie: null,
    hash_on_cookie_path: '/', hash_on_query_arg: null, hash_fallback_query_arg: null, hash_on_uri_capture: null,
    hash_fallback_uri_capture: null, slots: 10000,
    healthchecks: {
      threshold: 0,
      active: {
        type: 'http', timeout: 1, concurrency: 10, http_path: '/', https_verify_certificate: true, https_sni: null,
        headers: null, healthy: { ...counters, interval: 0, successes: 0 }, unhealthy: { ...counters, interval: 0, tcp_failures: 0, timeouts: 0, http_failures: 0 },
      },
      passive: { type: 'http', healthy: { ...counters, successes: 0 }, unhealthy: { ...counters, tcp_failures: 0, timeouts: 0, http_failures: 0 } },
    },
    host_header: null, client_certificate: null, use_srv_name: false, tags: null,
    ...fields,
  };
}

export function target(owner: Upstream, address: string, weight = 100): Target {
  clock += 1;
  return { id: randomUUID(), created_at: clock, updated_at: clock, upstream: { id: owner.id }, target: address, weight, tags: null };
}

export function entitySet(parts: Partial<Pick<EntitySet, 'services' | 'routes' | 'upstreams' | 'targets' | 'consumers' | 'plugins'>>): EntitySet {
  return {
    services: parts.services ?? [], routes: parts.routes ?? [], consumers: parts.consumers ?? [], plugins: parts.plugins ?? [],
    upstreams: parts.upstreams ?? [], targets: parts.targets ?? [], certificates: [], snis: [], ca_certificates: [],
  } as unknown as EntitySet;
}
