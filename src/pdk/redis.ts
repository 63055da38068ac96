// Redis connections for plugins whose counters live in Redis (rate-limiting,
// response-ratelimiting) — Kong's kong/tools/redis/schema.lua config record and one shared
// connection per distinct config. Every command has a deadline (the config's `timeout`) and
// nothing queues while disconnected, so a slow or dead Redis costs a request at most that
// deadline (security-and-reliability.md §4.4); the client reconnects in the background.
// ioredis is loaded on first use, so nodes that never use a redis policy do not need it.
import type { Redis } from 'ioredis';
import { typedefs } from '../schema/index.ts';

/**
 * Kong's shared redis config record (host, port, timeouts, auth, database, TLS).
 * @example
 * fields: { redis: { type: 'record', fields: redisConfigFields } }
 */
export const redisConfigFields = {
  host: typedefs.host,
  port: { ...typedefs.port, default: 6379 },
  timeout: { ...typedefs.timeout, default: 2000 },
  connect_timeout: typedefs.timeout,
  send_timeout: typedefs.timeout,
  read_timeout: typedefs.timeout,
  username: { type: 'string', referenceable: true },
  password: { type: 'string', referenceable: true, encrypted: true },
  database: { type: 'integer', default: 0 },
  ssl: { type: 'boolean', required: true, default: false },
  ssl_verify: { type: 'boolean', required: true, default: false },
  server_name: typedefs.sni,
} as const;

/**
 * The validated redis record.
 * @example
 * const conf: RedisConfig = { host: '127.0.0.1', port: 6379, timeout: 200, database: 0, ssl: false, ssl_verify: false };
 */
export interface RedisConfig {
  host?: string | null;
  port?: number | null;
  timeout?: number | null;
  connect_timeout?: number | null;
  read_timeout?: number | null;
  username?: string | null;
  password?: string | null;
  database?: number | null;
  ssl?: boolean | null;
  ssl_verify?: boolean | null;
  server_name?: string | null;
}

const connections = new Map<string, Redis>();

/**
 * How a connection is used. `autoPipelining: false` is for callers that already gather the
 * commands of concurrent requests themselves (rate-limiting's batches): ioredis would otherwise
 * wrap every one of their single commands in a pipeline of its own.
 * @example
 * const client = await redisFor(conf, { autoPipelining: false });
 */
export interface RedisUse { autoPipelining?: boolean }

function connectionKey(conf: RedisConfig, autoPipelining: boolean): string {
  return JSON.stringify([autoPipelining, conf.host, conf.port, conf.username, conf.password, conf.database, conf.ssl, conf.ssl_verify, conf.server_name, conf.timeout, conf.read_timeout, conf.connect_timeout]);
}

/** The command deadline: Kong's read_timeout, else timeout (ms). */
export function redisDeadline(conf: RedisConfig): number {
  return conf.read_timeout ?? conf.timeout ?? 2000;
}

/**
 * The node's connection for this config (created on first use, reused afterwards).
 * @example
 * const redis = await redisFor(conf.redis); await redisReady(redis, 200);
 */
export async function redisFor(conf: RedisConfig, use: RedisUse = {}): Promise<Redis> {
  const autoPipelining = use.autoPipelining ?? true;
  const key = connectionKey(conf, autoPipelining);
  const existing = connections.get(key);
  if (existing !== undefined) return existing;
  const { Redis: RedisClient } = await import('ioredis');
  const raced = connections.get(key);
  if (raced !== undefined) return raced;
  const client = new RedisClient({
    host: conf.host ?? '127.0.0.1',
    port: conf.port ?? 6379,
    username: conf.username ?? undefined,
    password: conf.password ?? undefined,
    db: conf.database ?? 0,
    connectTimeout: conf.connect_timeout ?? conf.timeout ?? 2000,
    commandTimeout: redisDeadline(conf),
    enableOfflineQueue: false,
    // Commands issued in the same tick by concurrent requests share one round trip.
    enableAutoPipelining: autoPipelining,
    maxRetriesPerRequest: 0,
    lazyConnect: false,
    // Reconnect in the background with a capped backoff; requests never wait for it.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    tls: conf.ssl ? { rejectUnauthorized: conf.ssl_verify ?? false, servername: conf.server_name ?? undefined } : undefined,
  });
  // Errors surface per command; the connection-level event only needs a listener.
  client.on('error', () => {});
  connections.set(key, client);
  return client;
}

/**
 * Waits (at most `deadlineMs`) for a connection that is still being established; rejects when
 * it is not ready in time or known to be down.
 * @example
 * await redisReady(client, 200);
 */
export function redisReady(client: Redis, deadlineMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status !== 'connecting' && client.status !== 'connect' && client.status !== 'wait') {
    return Promise.reject(new Error(`redis connection is ${client.status}`));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error('redis connection timed out')); }, deadlineMs);
    const onReady = (): void => { cleanup(); resolve(); };
    const onClose = (): void => { cleanup(); reject(new Error('redis connection closed')); };
    const cleanup = (): void => { clearTimeout(timer); client.off('ready', onReady); client.off('close', onClose); };
    client.once('ready', onReady);
    client.once('close', onClose);
  });
}

/**
 * Closes every connection (tests, shutdown).
 * @example
 * after(() => closeRedisConnections());
 */
export async function closeRedisConnections(): Promise<void> {
  const clients = [...connections.values()];
  connections.clear();
  // disconnect, not QUIT: a silent server would never answer QUIT and keep the process alive.
  for (const client of clients) client.disconnect();
}
