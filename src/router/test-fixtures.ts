// Builders shared by the router's tests: complete Kong-shaped entities with Kong's defaults.
import { uuidV5 } from '../core/ids.ts';
import type { Route, Service } from '../entities/types.ts';
import type { RouterRequest } from './types.ts';

const FIXTURE_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** Deterministic ids so tie-break expectations are stable. */
export function fixtureId(name: string): string {
  return uuidV5(name, FIXTURE_NAMESPACE);
}

export function makeService(fields: Partial<Service> = {}): Service {
  return {
    id: fixtureId('service:' + (fields.name ?? 'default')),
    created_at: 1700000000,
    updated_at: 1700000000,
    name: null,
    retries: 5,
    protocol: 'http',
    host: 'upstream.test',
    port: 80,
    path: null,
    connect_timeout: 60000,
    write_timeout: 60000,
    read_timeout: 60000,
    tags: null,
    client_certificate: null,
    tls_verify: null,
    tls_verify_depth: null,
    ca_certificates: null,
    enabled: true,
    ...fields,
  };
}

export function makeRoute(fields: Partial<Route> = {}): Route {
  return {
    id: fixtureId('route:' + (fields.name ?? JSON.stringify(fields))),
    created_at: 1700000000,
    updated_at: 1700000000,
    name: null,
    protocols: ['http', 'https'],
    methods: null,
    hosts: null,
    paths: null,
    headers: null,
    snis: null,
    sources: null,
    destinations: null,
    https_redirect_status_code: 426,
    regex_priority: 0,
    strip_path: true,
    preserve_host: false,
    request_buffering: true,
    response_buffering: true,
    path_handling: 'v0',
    service: null,
    tags: null,
    ...fields,
  };
}

export function makeRequest(fields: Partial<RouterRequest> = {}): RouterRequest {
  return {
    method: 'GET',
    path: '/',
    host: 'example.com',
    port: 80,
    headers: {},
    sni: undefined,
    scheme: 'http',
    ...fields,
  };
}
