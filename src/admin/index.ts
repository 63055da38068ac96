// Public API of the Admin and Status API module. main.ts builds the servers (not listening)
// and binds them to admin_listen / status_listen.
export { createAdminServer } from './admin-server.ts';
export type { AdminServerOptions } from './admin-server.ts';
export { createStatusServer } from './status-server.ts';
export type { AdminDeps, StatusDeps, ServerCounters, AvailablePlugin, TargetHealthSource, UpstreamBalancerStatus } from './types.ts';
