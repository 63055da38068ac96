// Messages between the primary process and its workers (child_process IPC, structured clone).
// The primary owns the one current configuration of the node; workers only apply what it sends,
// so every worker serves the same version.
import type { EntitySet } from '../entities/types.ts';
import type { Settings } from '../config/types.ts';

export interface ConfigPayload {
  version: number;
  hash: string;
  entities: EntitySet;
}

export type PrimaryToWorker =
  | { type: 'init'; settings: Settings; nodeId: string; workerId: number; config: ConfigPayload }
  | { type: 'config'; config: ConfigPayload }
  | { type: 'config:applied'; requestId: number; version: number }
  | { type: 'config:rejected'; requestId: number; message: string }
  | { type: 'shutdown'; timeoutMs: number };

export type WorkerToPrimary =
  | { type: 'ready'; workerId: number }
  | { type: 'fatal'; workerId: number; message: string }
  | { type: 'config:ack'; workerId: number; version: number }
  /** A worker's POST /config: the primary versions it and sends it to every worker. */
  | { type: 'config:apply'; workerId: number; requestId: number; hash: string; entities: EntitySet };
