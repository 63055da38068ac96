// Which properties exist, which names are aliases of one another, how each is typed for display,
// and which are secrets. Kong's names come from kong/conf_loader/constants.lua.
import { KONG_DEFAULTS_TEXT, PORTICO_DEFAULTS_TEXT } from './defaults.ts';
import { parseConfText } from './conf-file.ts';

function defaultsOf(text: string, source: string): Map<string, string> {
  return new Map(parseConfText(text, source).map((entry) => [entry.name, entry.value]));
}

export const KONG_DEFAULTS: ReadonlyMap<string, string> = defaultsOf(KONG_DEFAULTS_TEXT, 'Kong defaults');
export const PORTICO_DEFAULTS: ReadonlyMap<string, string> = defaultsOf(PORTICO_DEFAULTS_TEXT, 'Portico defaults');

/**
 * Kong accepts any `nginx_<block>_<directive>` (injected verbatim into that nginx block) and the
 * `pluginserver_*` / `vault_*` namespaces, without listing them; Portico keeps them in `raw`.
 */
const DYNAMIC_PREFIXES = [
  'nginx_main_', 'nginx_events_', 'nginx_http_', 'nginx_upstream_', 'nginx_proxy_', 'nginx_location_',
  'nginx_status_', 'nginx_admin_', 'nginx_stream_', 'nginx_supstream_', 'nginx_sproxy_',
  'nginx_wasm_', 'pluginserver_', 'vault_',
];

export function isKnownProperty(name: string): boolean {
  if (KONG_DEFAULTS.has(name) || PORTICO_DEFAULTS.has(name)) return true;
  return DYNAMIC_PREFIXES.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}

/**
 * Names that set the same thing. The first is the Settings field; when several are set, the one
 * from the strongest source wins (overrides > env > file > defaults), ties going to the earlier
 * name — Kong resolves its nginx_* aliases the same way (the explicit property beats the alias).
 */
export const ALIAS_GROUPS: ReadonlyArray<readonly string[]> = [
  ['worker_processes', 'nginx_worker_processes', 'nginx_main_worker_processes'],
  ['client_max_body_size', 'nginx_http_client_max_body_size'],
  ['client_body_buffer_size', 'nginx_http_client_body_buffer_size'],
  ['client_header_timeout', 'nginx_http_client_header_timeout'],
  ['client_body_timeout', 'nginx_http_client_body_timeout'],
  ['keepalive_timeout', 'nginx_http_keepalive_timeout'],
  ['send_timeout', 'nginx_http_send_timeout'],
  ['real_ip_header', 'nginx_proxy_real_ip_header'],
  ['real_ip_recursive', 'nginx_proxy_real_ip_recursive'],
];

export type PropertyKind = 'string' | 'number' | 'boolean' | 'array';

// Typed as in Kong's CONF_PARSERS, so GET / shows `true`/`5432`/`[...]` where Kong does.
const BOOLEANS = new Set([
  'anonymous_reports', 'proxy_server_ssl_verify', 'cluster_use_proxy', 'cluster_rpc',
  'cluster_rpc_sync', 'cluster_cjson', 'client_ssl', 'allow_debug_header', 'pg_ssl', 'pg_ssl_required',
  'pg_ssl_verify', 'pg_ro_ssl', 'pg_ro_ssl_required', 'pg_ro_ssl_verify', 'dns_no_sync', 'legacy_dns_client',
  'new_dns_client', 'dedicated_config_processing', 'kic', 'admin_gui_csp',
  'request_debug', 'wasm',
]);
const NUMBERS = new Set([
  'cluster_data_plane_purge_delay', 'cluster_max_payload', 'worker_events_max_payload',
  'upstream_keepalive_pool_size', 'upstream_keepalive_max_requests', 'upstream_keepalive_idle_timeout',
  'pg_port', 'pg_timeout', 'pg_max_concurrent_queries', 'pg_semaphore_timeout', 'pg_keepalive_timeout',
  'pg_pool_size', 'pg_backlog', '_debug_pg_ttl_cleanup_interval', 'pg_ro_port', 'pg_ro_timeout',
  'pg_ro_max_concurrent_queries', 'pg_ro_semaphore_timeout', 'pg_ro_keepalive_timeout', 'pg_ro_pool_size',
  'pg_ro_backlog', 'db_update_frequency', 'db_update_propagation', 'db_cache_ttl', 'db_cache_neg_ttl',
  'db_resurrect_ttl', 'dns_valid_ttl', 'dns_stale_ttl', 'dns_cache_size', 'dns_not_found_ttl', 'dns_error_ttl',
  'resolver_valid_ttl', 'resolver_stale_ttl', 'resolver_error_ttl', 'resolver_lru_cache_size',
  'worker_state_update_frequency', 'lua_socket_pool_size', 'lua_ssl_verify_depth', 'lua_max_req_headers',
  'lua_max_resp_headers', 'lua_max_uri_args', 'lua_max_post_args', 'opentelemetry_tracing_sampling_rate',
  'tracing_sampling_rate', 'max_request_headers',
]);
const ARRAYS = new Set([
  'port_maps', 'host_ports', 'proxy_listen', 'admin_listen', 'admin_gui_listen', 'status_listen',
  'stream_listen', 'cluster_listen', 'ssl_cert', 'ssl_cert_key', 'admin_ssl_cert', 'admin_ssl_cert_key',
  'admin_gui_ssl_cert', 'admin_gui_ssl_cert_key', 'status_ssl_cert', 'status_ssl_cert_key',
  'db_cache_warmup_entities', 'headers', 'headers_upstream', 'trusted_ips', 'dns_resolver', 'dns_order',
  'resolver_address', 'resolver_family', 'vaults', 'plugins', 'lua_ssl_trusted_certificate',
  'pluginserver_names', 'untrusted_lua_sandbox_requires', 'untrusted_lua_sandbox_environment',
  'cluster_dp_labels', 'tracing_instrumentations', 'wasm_filters',
]);

export function propertyKind(name: string): PropertyKind {
  if (BOOLEANS.has(name)) return 'boolean';
  if (NUMBERS.has(name)) return 'number';
  if (ARRAYS.has(name)) return 'array';
  return 'string';
}

/**
 * Kong's CONF_SENSITIVE list, plus every `*_password`, `*_key` and `*_token` (certificate keys
 * may be given inline as PEM or base64, and tokens are credentials).
 */
const SENSITIVE = new Set(['admin_auth_password', 'pg_password', 'pg_ro_password', 'proxy_server', 'declarative_config_string']);

export function isSensitive(name: string): boolean {
  return SENSITIVE.has(name) || /(_password|_key|_token)$/.test(name);
}

export const SENSITIVE_PLACEHOLDER = '******';
