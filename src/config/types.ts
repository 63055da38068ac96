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
}
