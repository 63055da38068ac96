// The message side of node-wide health, transport-agnostic: the runtime carries these
// structured-clone-safe messages (worker → primary → owner worker and back) and calls the
// functions below at each end. Routing, by message type:
//   health:report, health:set   any worker → the owner (the worker running the HealthMonitor)
//   health:set:done             owner → the worker that asked
//   health:transition           owner → every worker (the primary may keep a HealthTable to
//                               replay `entries()` to a worker that (re)starts)

import type { HealthOverride, HealthReport, HealthStateSink, HealthTransition } from './types.ts';

export type HealthMessage =
  | { type: 'health:report'; report: HealthReport }
  | { type: 'health:set'; requestId: number; override: HealthOverride }
  | { type: 'health:set:done'; requestId: number; error?: string }
  | { type: 'health:transition'; transition: HealthTransition };

/** An override nobody answers (owner gone) fails after this long instead of hanging the Admin API. */
const SET_TIMEOUT_MS = 5000;

export interface RemoteSink extends HealthStateSink {
  /** Feed `health:set:done` answers here. */
  receive(message: HealthMessage): void;
}

/** A worker's sink when the owner lives elsewhere: reports are fire-and-forget, overrides await the owner. */
export function createRemoteSink(send: (message: HealthMessage) => void, timeoutMs = SET_TIMEOUT_MS): RemoteSink {
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  return {
    report(report) {
      send({ type: 'health:report', report });
    },
    setHealth(override) {
      const requestId = nextId++;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new Error('the node health owner did not answer'));
        }, timeoutMs);
        timer.unref();
        pending.set(requestId, { resolve, reject, timer });
        send({ type: 'health:set', requestId, override });
      });
    },
    receive(message) {
      if (message.type !== 'health:set:done') return;
      const waiting = pending.get(message.requestId);
      if (waiting === undefined) return;
      pending.delete(message.requestId);
      clearTimeout(waiting.timer);
      if (message.error === undefined) waiting.resolve();
      else waiting.reject(new Error(message.error));
    },
  };
}

/** The owner's end: applies a report or an override from another worker; `reply` carries set:done back. */
export function serveHealthMessage(owner: HealthStateSink, message: HealthMessage, reply: (message: HealthMessage) => void): void {
  if (message.type === 'health:report') {
    owner.report(message.report);
  } else if (message.type === 'health:set') {
    const { requestId } = message;
    owner.setHealth(message.override).then(
      () => reply({ type: 'health:set:done', requestId }),
      (error: unknown) => reply({ type: 'health:set:done', requestId, error: error instanceof Error ? error.message : String(error) }),
    );
  }
}
