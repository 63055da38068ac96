// Connection counters over all of a worker's proxy listeners (plain, TLS, HTTP/2), in nginx's
// stub_status shape, for the node-wide kong_nginx_connections_total gauges.
import type { Server } from 'node:http';
import { trackConnections, type ConnectionTracker } from '../admin/http/counters.ts';
import type { ServerCounters } from '../admin/types.ts';
import { sumConnections } from '../plugins/prometheus/exporter.ts';

export class ProxyConnections {
  private readonly trackers: ConnectionTracker[] = [];

  /** Starts counting `server`'s connections and requests; returns it for chaining. */
  track<T extends Server>(server: T): T {
    this.trackers.push(trackConnections(server));
    return server;
  }

  snapshot(): ServerCounters {
    return sumConnections(this.trackers.map((tracker) => tracker.snapshot())) ?? {
      connections_active: 0, connections_reading: 0, connections_writing: 0, connections_waiting: 0,
      connections_accepted: 0, connections_handled: 0, total_requests: 0,
    };
  }
}
