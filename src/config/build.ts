// Turns resolved property strings into the typed Settings object.
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { LOG_LEVELS } from '../core/logger.ts';
import { isUuid } from '../core/ids.ts';
import type { DatabaseKind, Settings } from './types.ts';
import { SettingsError, invalidValue } from './errors.ts';
import type { Resolved } from './resolve.ts';
import { parseListen } from './listen.ts';
import { isInlinePem, parseHeaderTokens, parseTrustedIps } from './checks.ts';
import {
  parseBoolean, parseDuration, parseEnum, parseInteger, parseList, parseNumber, parseSize,
} from './values.ts';

const DATABASES: readonly DatabaseKind[] = ['off', 'sqlite', 'postgres'];
const PORT_MAX = 65535;

/** Typed accessors over the resolved map; `required` throws when the property was unset. */
function accessors(resolved: Resolved) {
  const optional = (name: string): string | null => resolved.get(name) ?? null;
  const required = (name: string): string => {
    const value = resolved.get(name);
    if (value === undefined) throw invalidValue(name, 'a value is required (NONE is not allowed here)');
    return value;
  };
  return {
    optional,
    required,
    bool: (name: string) => parseBoolean(name, required(name)),
    int: (name: string, min = 0, max?: number) => parseInteger(name, required(name), min, max),
    number: (name: string) => parseNumber(name, required(name)),
    optionalNumber: (name: string) => (resolved.has(name) ? parseNumber(name, required(name)) : null),
    size: (name: string) => parseSize(name, required(name)),
    durationMs: (name: string) => parseDuration(name, required(name)),
    // `off` disables list-valued features (plugins = off, vaults = off) as in Kong.
    list: (name: string) => {
      const items = parseList(resolved.get(name) ?? '');
      return items.length === 1 && items[0] === 'off' ? [] : items;
    },
    listen: (name: string) => parseListen(name, resolved.get(name) ?? 'off'),
    oneOf: <T extends string>(name: string, allowed: readonly T[]) => parseEnum(name, required(name), allowed),
  };
}

function parseDatabase(value: string): DatabaseKind {
  // Kong's own message since 3.4 dropped Cassandra.
  if (value === 'cassandra') {
    throw new SettingsError('Cassandra as a datastore for Kong is not supported in versions 3.4 and above. '
      + 'Please use Postgres.', 'database');
  }
  return parseEnum('database', value, DATABASES);
}

function parseWorkerProcesses(value: string): number {
  if (value === 'auto') return availableParallelism();
  return parseInteger('worker_processes', value, 1);
}

function positive(name: string, value: number): number {
  if (value <= 0) throw invalidValue(name, `must be greater than 0, got ${value}`);
  return value;
}

const PATH_PROPERTIES = [
  'declarative_config', 'error_template_html', 'error_template_json', 'error_template_xml', 'error_template_plain',
];
const CERTIFICATE_PROPERTIES = [
  'ssl_cert', 'ssl_cert_key', 'admin_ssl_cert', 'admin_ssl_cert_key', 'admin_gui_ssl_cert', 'admin_gui_ssl_cert_key',
  'status_ssl_cert', 'status_ssl_cert_key', 'cluster_cert', 'cluster_cert_key', 'cluster_ca_cert',
];

/**
 * Relative file paths are made absolute against the working directory, as Kong does (abspath)
 * for certificates and the declarative file, so `.kong_env` means the same from anywhere.
 */
function absolutizePaths(resolved: Resolved, cwd: string): void {
  const absolute = (value: string) => (isAbsolute(value) ? value : resolvePath(cwd, value));
  for (const name of PATH_PROPERTIES) {
    const value = resolved.get(name);
    if (value !== undefined) resolved.set(name, absolute(value));
  }
  for (const name of CERTIFICATE_PROPERTIES) {
    const value = resolved.get(name);
    if (value === undefined) continue;
    const items = parseList(value).map((item) => (isInlinePem(item) ? item : absolute(item)));
    resolved.set(name, items.join(','));
  }
}

export function buildSettings(resolved: Resolved, confPath: string | null, cwd: string): Settings {
  absolutizePaths(resolved, cwd);
  const get = accessors(resolved);
  const prefix = resolvePath(cwd, get.required('prefix'));
  // Kong makes the prefix absolute before writing .kong_env; raw shows the same.
  const raw = { ...Object.fromEntries(resolved), prefix };
  const nodeId = get.optional('node_id');
  if (nodeId !== null && !isUuid(nodeId)) throw invalidValue('node_id', 'must be a valid UUID');

  return {
    prefix,
    log_level: get.oneOf('log_level', LOG_LEVELS),
    plugins: get.list('plugins'),
    proxy_listen: get.listen('proxy_listen'),
    admin_listen: get.listen('admin_listen'),
    status_listen: get.listen('status_listen'),
    admin_gui_listen: get.listen('admin_gui_listen'),
    database: parseDatabase(get.required('database')),
    declarative_config: get.optional('declarative_config'),
    declarative_config_string: get.optional('declarative_config_string'),
    worker_processes: parseWorkerProcesses(get.required('worker_processes')),
    trusted_ips: parseTrustedIps(resolved.get('trusted_ips')),
    real_ip_header: get.required('real_ip_header'),
    real_ip_recursive: get.bool('real_ip_recursive'),
    headers: parseHeaderTokens('headers', resolved.get('headers')),
    headers_upstream: parseHeaderTokens('headers_upstream', resolved.get('headers_upstream')),
    error_default_type: get.oneOf('error_default_type', ['application/json', 'application/xml', 'text/html', 'text/plain']),
    router_flavor: get.oneOf('router_flavor', ['traditional_compatible', 'traditional', 'expressions']),
    allow_debug_header: get.bool('allow_debug_header'),
    client_max_body_size: get.size('client_max_body_size'),
    client_body_buffer_size: get.size('client_body_buffer_size'),
    client_header_timeout: get.durationMs('client_header_timeout'),
    client_body_timeout: get.durationMs('client_body_timeout'),
    keepalive_timeout: get.durationMs('keepalive_timeout'),
    send_timeout: get.durationMs('send_timeout'),
    max_request_headers: get.int('max_request_headers', 1),
    max_request_header_size: positive('max_request_header_size', get.size('max_request_header_size')),
    max_uri_length: positive('max_uri_length', get.size('max_uri_length')),
    upstream_keepalive_pool_size: get.int('upstream_keepalive_pool_size'),
    upstream_keepalive_max_requests: get.int('upstream_keepalive_max_requests'),
    // Kong states this one in seconds; Settings carries milliseconds.
    upstream_keepalive_idle_timeout: get.int('upstream_keepalive_idle_timeout') * 1000,
    node_id: nodeId,
    pg_host: get.required('pg_host'),
    pg_port: get.int('pg_port', 0, PORT_MAX),
    pg_database: get.required('pg_database'),
    pg_user: get.required('pg_user'),
    pg_password: get.optional('pg_password'),
    pg_timeout: get.int('pg_timeout'),
    db_update_frequency: positive('db_update_frequency', get.number('db_update_frequency')),
    ssl_cert: get.list('ssl_cert'),
    ssl_cert_key: get.list('ssl_cert_key'),
    ssl_protocols: get.required('ssl_protocols'),
    ssl_cipher_suite: get.oneOf('ssl_cipher_suite', ['modern', 'intermediate', 'old', 'fips', 'custom']),
    raw,
    conf_path: confPath,
    role: get.oneOf('role', ['traditional', 'control_plane', 'data_plane']),
    vaults: get.list('vaults'),
    anonymous_reports: get.bool('anonymous_reports'),
    admin_client_max_body_size: get.size('nginx_admin_client_max_body_size'),
    admin_client_body_buffer_size: get.size('nginx_admin_client_body_buffer_size'),
    mem_cache_size: positive('mem_cache_size', get.size('mem_cache_size')),
    db_cache_ttl: get.number('db_cache_ttl'),
    db_cache_neg_ttl: get.optionalNumber('db_cache_neg_ttl'),
    db_resurrect_ttl: get.number('db_resurrect_ttl'),
    db_update_propagation: get.number('db_update_propagation'),
    worker_consistency: get.oneOf('worker_consistency', ['strict', 'eventual']),
    worker_state_update_frequency: positive('worker_state_update_frequency', get.number('worker_state_update_frequency')),
    error_template_html: get.optional('error_template_html'),
    error_template_json: get.optional('error_template_json'),
    error_template_xml: get.optional('error_template_xml'),
    error_template_plain: get.optional('error_template_plain'),
    pg_schema: get.optional('pg_schema'),
    pg_ssl: get.bool('pg_ssl'),
    pg_ssl_verify: get.bool('pg_ssl_verify'),
    pg_max_concurrent_queries: get.int('pg_max_concurrent_queries'),
    pg_semaphore_timeout: get.int('pg_semaphore_timeout'),
    ssl_ciphers: get.optional('ssl_ciphers'),
    admin_ssl_cert: get.list('admin_ssl_cert'),
    admin_ssl_cert_key: get.list('admin_ssl_cert_key'),
    admin_gui_ssl_cert: get.list('admin_gui_ssl_cert'),
    admin_gui_ssl_cert_key: get.list('admin_gui_ssl_cert_key'),
    status_ssl_cert: get.list('status_ssl_cert'),
    status_ssl_cert_key: get.list('status_ssl_cert_key'),
    admin_gui_path: get.required('admin_gui_path'),
    admin_gui_url: get.optional('admin_gui_url'),
    cluster_listen: get.listen('cluster_listen'),
    cluster_control_plane: get.required('cluster_control_plane'),
    cluster_mtls: get.oneOf('cluster_mtls', ['shared', 'pki']),
    cluster_cert: get.optional('cluster_cert'),
    cluster_cert_key: get.optional('cluster_cert_key'),
    cluster_ca_cert: get.optional('cluster_ca_cert'),
    cluster_server_name: get.optional('cluster_server_name'),
    admin_auth_token: get.optional('admin_auth_token'),
    admin_auth_user: get.optional('admin_auth_user') ?? 'admin',
    admin_auth_password: get.optional('admin_auth_password'),
  };
}
