// Counter storage of response-ratelimiting (kong/plugins/response-ratelimiting/policies):
// usage is read in access and the upstream-reported amounts are added in log. local — the
// node's shared counters; redis — GET / INCRBY with the window's expiry, under a deadline;
// cluster — response_ratelimiting_metrics rows in kong.db.
import { createHash } from 'node:crypto';
import type { Pdk } from '../../pdk/index.ts';
import { redisDeadline, redisFor, redisReady, type RedisConfig } from '../../pdk/redis.ts';

/**
 * One counter: its key and lifetime.
 * @example
 * const counter: Counter = { key: 'response-ratelimit:…:videos:minute', ttlSeconds: 60 };
 */
export interface Counter { key: string; ttlSeconds: number; identifier: string; period: string; periodDate: number }

function metricId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function redisClient(conf: RedisConfig) {
  const client = await redisFor(conf);
  await redisReady(client, redisDeadline(conf));
  return client;
}

/**
 * Current usage of each counter (0 when absent).
 * @example
 * const usages = await readUsage(kong, 'local', conf.redis, counters);
 */
export async function readUsage(kong: Pdk, policy: string, redis: RedisConfig, counters: readonly Counter[]): Promise<number[]> {
  if (policy === 'redis') {
    const client = await redisClient(redis);
    const values = await client.mget(...counters.map((counter) => counter.key));
    return values.map((value) => Number(value ?? 0));
  }
  if (policy === 'cluster') {
    const rows = await Promise.all(counters.map((counter) => kong.db.select('response_ratelimiting_metrics', metricId(counter.key))));
    return rows.map((row) => Number(row?.value ?? 0));
  }
  return kong.counters.get(counters.map((counter) => counter.key));
}

/**
 * Adds `amount` to each counter.
 * @example
 * await addUsage(kong, 'local', conf.redis, counters, 3);
 */
export async function addUsage(kong: Pdk, policy: string, redis: RedisConfig, counters: readonly Counter[], amount: number): Promise<void> {
  if (policy === 'redis') {
    const client = await redisClient(redis);
    const pipeline = client.pipeline();
    for (const counter of counters) {
      pipeline.incrby(counter.key, amount);
      pipeline.expire(counter.key, counter.ttlSeconds, 'NX');
    }
    await pipeline.exec();
    return;
  }
  if (policy === 'cluster') {
    for (const counter of counters) {
      const id = metricId(counter.key);
      const row = await kong.db.select('response_ratelimiting_metrics', id);
      if (row !== null) {
        await kong.db.update('response_ratelimiting_metrics', id, { ...row, value: Number(row.value ?? 0) + amount });
      } else {
        await kong.db.insert('response_ratelimiting_metrics', {
          id, identifier: counter.identifier, period: counter.period, period_date: counter.periodDate, value: amount, ttl: counter.ttlSeconds,
        });
      }
    }
    return;
  }
  await Promise.all(counters.map((counter) => kong.counters.increment(counter.key, amount, counter.ttlSeconds)));
}
