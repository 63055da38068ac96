// Resolved settings. Property names are Kong's kong.conf names (snake_case); values are parsed
// into their typed form (lists split, sizes in bytes, durations in milliseconds).
import type { LogLevel } from '../core/logger.ts';

export interface ListenAddress {
  host: string;
  port: number;
  ssl: boolean;
  http2: boolean;
  proxy_protocol: boolean;
  reuseport: boolean;
  backlog: number | null;
  ipv6only: boolean | null;
}

export type DatabaseKind = 'off' | 'sqlite' | 'postgres';

export interface Settings {
  prefix: string;
  log_level: LogLevel;
  /** `bundled` expanded later by the plugin registry; custom names kept as given. */
  plugins: string[];
  proxy_listen: ListenAddress[];
  admin_listen: ListenAddress[];
  status_listen: ListenAddress[];
  admin_gui_listen: ListenAddress[];
  database: DatabaseKind;
  declarative_config: string | null;
  declarative_config_string: string | null;
  /** Resolved count (`auto` = number of cores). */
  worker_processes: number;
  /** CIDRs (v4/v6) and the literal `unix:`; empty = trust nobody. */
  trusted_ips: string[];
  real_ip_header: string;
  real_ip_recursive: boolean;
  /** Lower-cased tokens of `headers` (e.g. `server_tokens`, `latency_tokens`, `x-kong-request-id`, `via`); `off` → []. */
  headers: string[];
  /** Lower-cased tokens of `headers_upstream`; `off` → []. */
  headers_upstream: string[];
  error_default_type: string;
  router_flavor: 'traditional_compatible' | 'traditional' | 'expressions';
  allow_debug_header: boolean;
  /** Bytes; 0 = unlimited (nginx_http_client_max_body_size / client_max_body_size). */
  client_max_body_size: number;
  /** Bytes (client_body_buffer_size). */
  client_body_buffer_size: number;
  /** Milliseconds; nginx-equivalent client-side timeouts. */
  client_header_timeout: number;
  client_body_timeout: number;
  keepalive_timeout: number;
  send_timeout: number;
  /** Portico limits on what the listener accepts (431/414). */
  max_request_headers: number;
  max_request_header_size: number;
  max_uri_length: number;
  upstream_keepalive_pool_size: number;
  upstream_keepalive_max_requests: number;
  /** Milliseconds. */
  upstream_keepalive_idle_timeout: number;
  node_id: string | null;
  pg_host: string;
  pg_port: number;
  pg_database: string;
  pg_user: string;
  pg_password: string | null;
  pg_timeout: number;
  db_update_frequency: number;
  ssl_cert: string[];
  ssl_cert_key: string[];
  ssl_protocols: string;
  ssl_cipher_suite: string;
  /** Every property as a resolved string (for GET / configuration; secrets redacted there). */
  raw: Record<string, string>;

  // ---- Added by the settings loader (additive to the original contract). ----
  /** Absolute path of the conf file that was read, or null when none was. */
  conf_path: string | null;
  role: 'traditional' | 'control_plane' | 'data_plane';
  /** `bundled` expanded later; `off` → []. */
  vaults: string[];
  anonymous_reports: boolean;
  /** Bytes; nginx_admin_client_max_body_size (Kong default 10m) — the Admin API body limit. */
  admin_client_max_body_size: number;
  /** Bytes; nginx_admin_client_body_buffer_size. */
  admin_client_body_buffer_size: number;
  /** Bytes. */
  mem_cache_size: number;
  /** Seconds, as in Kong (0 = never expire); db_cache_neg_ttl null = same as db_cache_ttl. */
  db_cache_ttl: number;
  db_cache_neg_ttl: number | null;
  db_resurrect_ttl: number;
  /** Seconds. */
  db_update_propagation: number;
  worker_consistency: 'strict' | 'eventual';
  /** Seconds. */
  worker_state_update_frequency: number;
  /** Custom error page templates (file paths) per format; null = built-in. */
  error_template_html: string | null;
  error_template_json: string | null;
  error_template_xml: string | null;
  error_template_plain: string | null;
  pg_schema: string | null;
  pg_ssl: boolean;
  pg_ssl_verify: boolean;
  pg_max_concurrent_queries: number;
  pg_semaphore_timeout: number;
  /** OpenSSL cipher list; required when ssl_cipher_suite = custom, else derived from the suite. */
  ssl_ciphers: string | null;
  admin_ssl_cert: string[];
  admin_ssl_cert_key: string[];
  admin_gui_ssl_cert: string[];
  admin_gui_ssl_cert_key: string[];
  status_ssl_cert: string[];
  status_ssl_cert_key: string[];
  admin_gui_path: string;
  admin_gui_url: string | null;
  cluster_listen: ListenAddress[];
  cluster_control_plane: string;
  cluster_mtls: 'shared' | 'pki';
  cluster_cert: string | null;
  cluster_cert_key: string | null;
  cluster_ca_cert: string | null;
  cluster_server_name: string | null;
  /** Portico: allow a non-loopback admin_listen (refused by default; the Admin API has no auth). */
  /** Portico: Admin API bearer token (`Kong-Admin-Token` / `Authorization: Bearer`). */
  admin_auth_token: string | null;
  /** Portico: Admin API basic-auth user and password (both needed for basic auth). */
  admin_auth_user: string;
  admin_auth_password: string | null;
}
