// Configurations travel from the primary to its workers as files, not IPC payloads: Node's IPC
// reassembles a large message by repeated buffer concatenation, which left each worker holding
// tens of MB of dead memory for a 10,000-route config. A file is written once per version (V8
// serialization, atomic rename) and every worker reads it in one allocation.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { EntitySet } from '../entities/types.ts';

/** What the primary tells workers about a configuration version. */
export interface ConfigRef {
  version: number;
  hash: string;
  file: string;
}

export interface ConfigContent {
  hash: string;
  entities: EntitySet;
}

function configDir(prefix: string): string {
  const dir = join(prefix, 'config');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `content` atomically to `file` (a reader never sees half a file). */
export function writeConfigContent(file: string, content: ConfigContent): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, serialize(content), { mode: 0o600 });
  renameSync(temporary, file);
}

export function readConfigContent(file: string): ConfigContent {
  return deserialize(readFileSync(file)) as ConfigContent;
}

export function versionFile(prefix: string, version: number): string {
  return join(configDir(prefix), `v${version}.bin`);
}

/** A worker's proposed configuration (POST /config), handed to the primary by path. */
export function proposalFile(prefix: string, workerId: number, requestId: number): string {
  return join(configDir(prefix), `proposal-${process.pid}-${workerId}-${requestId}.bin`);
}

/** Removes version files older than `keepFrom` (workers may still be reading the previous one). */
export function pruneVersionFiles(prefix: string, keepFrom: number): void {
  for (const name of readdirSync(configDir(prefix))) {
    const match = /^v(\d+)\.bin$/.exec(name);
    if (match && Number(match[1]) < keepFrom) rmSync(join(configDir(prefix), name), { force: true });
  }
}
