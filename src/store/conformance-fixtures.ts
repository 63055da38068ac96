// Row builders for the store conformance suite: complete rows in Kong's Admin API shape (every
// field present, as schemas produce them) so SQL adapters with real columns can store them too.
import assert from 'node:assert/strict';
import { newUuid } from '../core/ids.ts';
import { KongError } from '../core/errors.ts';
import type { Row, Store } from './types.ts';

export type StoreFactory = () => Promise<Store>;

const NOW = 1_700_000_000;

function base(extra: Record<string, unknown>): Row {
  return { id: newUuid(), created_at: NOW, updated_at: NOW, tags: null, ...extra } as Row;
}

export function serviceRow(name: string | null, extra: Record<string, unknown> = {}): Row {
  return base({
    name, retries: 5, protocol: 'http', host: 'backend.test', port: 80, path: null,
    connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000, client_certificate: null,
    tls_verify: null, tls_verify_depth: null, ca_certificates: null, enabled: true, ...extra,
  });
}

export function routeRow(serviceId: string | null, extra: Record<string, unknown> = {}): Row {
  return base({
    name: null, protocols: ['http', 'https'], methods: null, hosts: null, paths: ['/'], headers: null,
    snis: null, sources: null, destinations: null, https_redirect_status_code: 426, regex_priority: 0,
    strip_path: true, preserve_host: false, request_buffering: true, response_buffering: true,
    path_handling: 'v0', service: serviceId === null ? null : { id: serviceId }, ...extra,
  });
}

export function consumerRow(username: string | null, extra: Record<string, unknown> = {}): Row {
  return base({ username, custom_id: null, ...extra });
}

export function pluginRow(name: string, scope: { route?: string; service?: string; consumer?: string } = {}): Row {
  return base({
    name, instance_name: null, config: {}, protocols: ['grpc', 'grpcs', 'http', 'https'], enabled: true,
    route: scope.route ? { id: scope.route } : null,
    service: scope.service ? { id: scope.service } : null,
    consumer: scope.consumer ? { id: scope.consumer } : null,
  });
}

export function upstreamRow(name: string): Row {
  return base({
    name, algorithm: 'round-robin', hash_on: 'none', hash_fallback: 'none', hash_on_header: null,
    hash_fallback_header: null, hash_on_cookie: null, hash_on_cookie_path: '/', hash_on_query_arg: null,
    hash_fallback_query_arg: null, hash_on_uri_capture: null, hash_fallback_uri_capture: null,
    slots: 10000, healthchecks: {}, host_header: null, client_certificate: null, use_srv_name: false,
  });
}

export function targetRow(upstreamId: string, target: string): Row {
  return base({ created_at: NOW + 0.123, updated_at: NOW + 0.123, upstream: { id: upstreamId }, target, weight: 100 });
}

export function certificateRow(): Row {
  return base({ cert: 'CERT', key: 'KEY', cert_alt: null, key_alt: null });
}

/** Await a rejection and check it is Kong's err_t with the given code (and message, if given). */
export async function rejectsWith(promise: Promise<unknown>, code: number, message?: string): Promise<KongError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof KongError, `expected a KongError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message !== undefined) assert.equal(caught.message, message);
  return caught;
}
