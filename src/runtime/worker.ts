// Worker process entry: receives settings and the current configuration from the primary, serves
// every listener (proxy, admin, status) with SO_REUSEPORT so the kernel spreads connections across
// workers, swaps configuration snapshots atomically, and drains on shutdown.
import { createLogger } from '../core/logger.ts';
import type { PrimaryToWorker, WorkerToPrimary } from './messages.ts';
import { WorkerRuntime } from './worker-runtime.ts';

const send = (message: WorkerToPrimary): void => {
  if (process.connected) process.send!(message);
};

let runtime: WorkerRuntime | null = null;
const bootLogger = createLogger('notice', { worker: process.env.PORTICO_WORKER_ID });

process.on('message', (raw) => {
  const message = raw as PrimaryToWorker;
  if (message.type === 'init') {
    runtime = new WorkerRuntime(message, send);
    runtime.start().then(
      () => send({ type: 'ready', workerId: message.workerId }),
      (error: unknown) => {
        send({ type: 'fatal', workerId: message.workerId, message: error instanceof Error ? error.message : String(error) });
        setTimeout(() => process.exit(1), 50);
      },
    );
    return;
  }
  if (!runtime) return;
  runtime.handle(message);
});

// The primary going away (crash, kill -9) must not leave orphaned workers holding the ports.
process.on('disconnect', () => {
  if (runtime) void runtime.shutdown(5_000).then(() => process.exit(0));
  else process.exit(0);
});
// Signals go to the primary, which drains workers over IPC; a worker ignores Ctrl-C of the group.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.on('uncaughtException', (error) => {
  bootLogger.crit('uncaught exception in worker', { error });
  process.exit(70);
});
