// Messages between the primary process and its workers (child_process IPC). The primary owns the
// one current configuration of the node; workers only apply what it sends, so every worker serves
// the same version. Configurations themselves travel as files (config-files.ts).
import type { Settings } from '../config/types.ts';
import type { ConfigRef } from './config-files.ts';
import type { HealthMessage } from '../proxy/index.ts';

/**
 * Node-wide target health, both directions. Worker → primary: `from` is filled in by the primary;
 * `to` addresses a reply to one worker. Primary → worker: `from` names the asking worker.
 */
export interface HealthEnvelope {
  type: 'health';
  message: HealthMessage;
  from?: number;
  to?: number;
}

export type PrimaryToWorker =
  | { type: 'init'; settings: Settings; nodeId: string; workerId: number; config: ConfigRef }
  | { type: 'config'; config: ConfigRef }
  | { type: 'config:applied'; requestId: number; version: number }
  | { type: 'config:rejected'; requestId: number; message: string }
  | { type: 'shutdown'; timeoutMs: number }
  | HealthEnvelope;

export type WorkerToPrimary =
  | { type: 'ready'; workerId: number }
  | { type: 'fatal'; workerId: number; message: string }
  | { type: 'config:ack'; workerId: number; version: number }
  /** A worker's POST /config, written to `file`: the primary versions it and sends it to every worker. */
  | { type: 'config:apply'; workerId: number; requestId: number; hash: string; file: string }
  | HealthEnvelope;
