// nginx stub_status counters: what Kong reports under /status `server` and as
// kong_nginx_connections_total / kong_nginx_requests_total. Shared by the Admin API and the
// prometheus plugin, which may not import each other.
export interface ServerCounters {
  connections_active: number;
  connections_reading: number;
  connections_writing: number;
  connections_waiting: number;
  connections_accepted: number;
  connections_handled: number;
  total_requests: number;
}
