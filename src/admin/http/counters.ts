// Connection and request counters in the shape of nginx's stub_status, which Kong's /status
// reports under `server`. Used when main.ts does not hand over node-wide proxy counters.
import type http from 'node:http';
import type { ServerCounters } from '../types.ts';

export interface ConnectionTracker {
  snapshot(): ServerCounters;
}

export function trackConnections(server: http.Server): ConnectionTracker {
  let accepted = 0;
  let active = 0;
  let totalRequests = 0;
  let inFlight = 0;
  // One listener function per tracker, not a closure (and once-wrapper) per request: the proxy's
  // listeners count every request on the hot path. 'close' fires once per socket and response.
  const connectionClosed = (): void => { active--; };
  const requestClosed = (): void => { inFlight--; };
  server.on('connection', (socket) => {
    accepted++;
    active++;
    socket.on('close', connectionClosed);
  });
  server.on('request', (_req, res: http.ServerResponse) => {
    totalRequests++;
    inFlight++;
    res.on('close', requestClosed);
  });
  return {
    snapshot(): ServerCounters {
      // Node does not expose header-reading state; requests being processed count as writing,
      // idle keep-alive connections as waiting (nginx: active = reading + writing + waiting).
      const writing = Math.min(inFlight, active);
      return {
        connections_active: active,
        connections_reading: 0,
        connections_writing: writing,
        connections_waiting: Math.max(active - writing, 0),
        connections_accepted: accepted,
        connections_handled: accepted,
        total_requests: totalRequests,
      };
    },
  };
}
