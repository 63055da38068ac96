// Plain shapes of Kong's core entities as the Admin API shows them (nulls = true: every field
// present, unset ones null). Wire names stay snake_case. Schemas in this folder validate input
// into these shapes; everything else in the gateway reads them.

export type Uuid = string;
export interface ForeignKey { id: Uuid }

export type ServiceProtocol = 'grpc' | 'grpcs' | 'http' | 'https' | 'tcp' | 'tls' | 'tls_passthrough' | 'udp';
export type RouteProtocol = ServiceProtocol;

export interface Service {
  id: Uuid;
  created_at: number;
  updated_at: number;
  name: string | null;
  retries: number;
  protocol: ServiceProtocol;
  host: string;
  port: number;
  path: string | null;
  connect_timeout: number;
  write_timeout: number;
  read_timeout: number;
  tags: string[] | null;
  client_certificate: ForeignKey | null;
  tls_verify: boolean | null;
  tls_verify_depth: number | null;
  ca_certificates: Uuid[] | null;
  enabled: boolean;
}

export interface Route {
  id: Uuid;
  created_at: number;
  updated_at: number;
  name: string | null;
  protocols: RouteProtocol[];
  methods: string[] | null;
  hosts: string[] | null;
  paths: string[] | null;
  headers: Record<string, string[]> | null;
  snis: string[] | null;
  sources: Array<{ ip?: string; port?: number }> | null;
  destinations: Array<{ ip?: string; port?: number }> | null;
  https_redirect_status_code: 426 | 301 | 302 | 307 | 308;
  regex_priority: number;
  strip_path: boolean;
  preserve_host: boolean;
  request_buffering: boolean;
  response_buffering: boolean;
  path_handling: 'v0' | 'v1';
  service: ForeignKey | null;
  tags: string[] | null;
}

export interface Consumer {
  id: Uuid;
  created_at: number;
  updated_at: number;
  username: string | null;
  custom_id: string | null;
  tags: string[] | null;
}

export interface Plugin {
  id: Uuid;
  created_at: number;
  updated_at: number;
  name: string;
  instance_name: string | null;
  route: ForeignKey | null;
  service: ForeignKey | null;
  consumer: ForeignKey | null;
  config: Record<string, unknown>;
  protocols: string[];
  enabled: boolean;
  tags: string[] | null;
}

export interface HealthcheckCounters {
  interval?: number;
  http_statuses: number[];
  successes?: number;
  tcp_failures?: number;
  timeouts?: number;
  http_failures?: number;
}

export interface Healthchecks {
  threshold: number;
  active: {
    type: 'tcp' | 'http' | 'https' | 'grpc' | 'grpcs';
    timeout: number;
    concurrency: number;
    http_path: string;
    https_verify_certificate: boolean;
    https_sni: string | null;
    headers: Record<string, string[]> | null;
    healthy: HealthcheckCounters;
    unhealthy: HealthcheckCounters;
  };
  passive: {
    type: 'tcp' | 'http' | 'https' | 'grpc' | 'grpcs';
    healthy: HealthcheckCounters;
    unhealthy: HealthcheckCounters;
  };
}

export type HashOn = 'none' | 'consumer' | 'ip' | 'header' | 'cookie' | 'path' | 'query_arg' | 'uri_capture';

export interface Upstream {
  id: Uuid;
  created_at: number;
  updated_at: number;
  name: string;
  algorithm: 'consistent-hashing' | 'least-connections' | 'round-robin' | 'latency';
  hash_on: HashOn;
  hash_fallback: HashOn;
  hash_on_header: string | null;
  hash_fallback_header: string | null;
  hash_on_cookie: string | null;
  hash_on_cookie_path: string;
  hash_on_query_arg: string | null;
  hash_fallback_query_arg: string | null;
  hash_on_uri_capture: string | null;
  hash_fallback_uri_capture: string | null;
  slots: number;
  healthchecks: Healthchecks;
  host_header: string | null;
  client_certificate: ForeignKey | null;
  use_srv_name: boolean;
  tags: string[] | null;
}

export interface Target {
  id: Uuid;
  /** Targets use millisecond-precision float seconds (Kong's auto_timestamp_ms). */
  created_at: number;
  updated_at: number;
  upstream: ForeignKey;
  /** Always `host:port` once stored (default port 8000 appended on write). */
  target: string;
  weight: number;
  tags: string[] | null;
}

export interface Certificate {
  id: Uuid;
  created_at: number;
  updated_at: number;
  cert: string;
  key: string;
  cert_alt: string | null;
  key_alt: string | null;
  tags: string[] | null;
  /** Transient on input; output lists the names of its SNIs sorted. */
  snis?: string[];
}

export interface Sni {
  id: Uuid;
  created_at: number;
  updated_at: number;
  name: string;
  certificate: ForeignKey;
  tags: string[] | null;
}

export interface CaCertificate {
  id: Uuid;
  created_at: number;
  updated_at: number;
  cert: string;
  cert_digest: string;
  tags: string[] | null;
}

/** Table names as Kong spells them (declarative sections, store tables). */
export type CoreEntityName =
  | 'services' | 'routes' | 'consumers' | 'plugins' | 'upstreams' | 'targets'
  | 'certificates' | 'snis' | 'ca_certificates';

export interface CoreEntities {
  services: Service;
  routes: Route;
  consumers: Consumer;
  plugins: Plugin;
  upstreams: Upstream;
  targets: Target;
  certificates: Certificate;
  snis: Sni;
  ca_certificates: CaCertificate;
}

/** A whole configuration as plain rows per table: what a declarative load produces and a snapshot is built from. */
export type EntitySet = { [K in CoreEntityName]: CoreEntities[K][] } & Record<string, Array<Record<string, unknown>>>;
