// Identifiers: random v4 UUIDs for new entities, deterministic v5 UUIDs for declarative
// entities (so a reload keeps ids, as Kong does), and 32-hex request ids.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

export function newUuid(): string {
  return randomUUID();
}

/** RFC 4122 name-based UUID (SHA-1), as Kong's `uuid.generate_v5`. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// Request ids are drawn from a pooled random buffer: one syscall per 512 ids instead of one each.
const POOL_IDS = 512;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** 32 lowercase hex characters, like nginx's `$kong_request_id`. */
export function newRequestId(): string {
  if (poolOffset >= pool.length) {
    pool = randomBytes(16 * POOL_IDS);
    poolOffset = 0;
  }
  const id = pool.toString('hex', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return id;
}
