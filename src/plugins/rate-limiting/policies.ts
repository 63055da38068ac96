// Where rate-limiting counters live (kong/plugins/rate-limiting/policies/init.lua):
// local — the node's shared counters, checked and taken in one atomic step (exact per node);
// cluster — ratelimiting_metrics rows in the database;
// redis — one Lua script per period that increments and sets the expiry on first use, so the
// read itself counts (Kong counts rejected requests with redis, not with local/cluster).
import { createHash } from 'node:crypto';
import type { Pdk } from '../../pdk/index.ts';
import { redisDeadline, redisFor, redisReady, type RedisConfig } from '../../pdk/redis.ts';
import type { Period } from './schema.ts';
import { EXPIRATION } from '../../pdk/time-windows.ts';

/**
 * One configured period of one request: its counter identity and limit.
 * @example
 * const window: Window = { period: 'minute', start: 1700000000000, limit: 10, key: 'ratelimit:…' };
 */
export interface Window {
  period: Period;
  start: number;
  limit: number;
  key: string;
}

/**
 * Usage per window before this request, and whether the policy already counted it.
 * @example
 * const { usages, admitted } = await usageFor(kong, conf, windows, scope);
 */
export interface PolicyResult {
  usages: number[];
  /** local: the atomic step admitted (and counted) the request; others decide in the handler. */
  admitted?: boolean;
  /** The policy counted this request while reading (redis). */
  counted: boolean;
}

/**
 * Everything a policy needs besides the windows.
 * @example
 * const scope: CounterScope = { routeId, serviceId, identifier, policy: 'local', redis };
 */
export interface CounterScope {
  routeId: string;
  serviceId: string;
  identifier: string;
  policy: 'local' | 'cluster' | 'redis';
  redis: RedisConfig;
}

// KEYS[1] counter; ARGV[1] ttl seconds. Returns the value before this increment.
const INCREMENT_SCRIPT = `local v = redis.call('INCR', KEYS[1]) if v == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return v - 1`;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function redisUsage(scope: CounterScope, windows: readonly Window[]): Promise<number[]> {
  const client = await redisFor(scope.redis);
  const deadline = redisDeadline(scope.redis);
  await redisReady(client, deadline);
  const increment = incrementCommand(client);
  const replies = await withDeadline(Promise.all(windows.map((window) => increment(window.key, EXPIRATION[window.period]))), deadline);
  return replies.map(Number);
}

type IncrementCommand = (key: string, ttl: number) => Promise<unknown>;
const incrementCommands = new WeakMap<object, IncrementCommand>();

/**
 * The increment script as a client command: sent by SHA (EVALSHA) after the first use, and — with
 * the connection's auto-pipelining — batched with the increments of concurrent requests into one
 * round trip, instead of one pipeline per request carrying the whole script.
 */
function incrementCommand(client: Awaited<ReturnType<typeof redisFor>>): IncrementCommand {
  let command = incrementCommands.get(client);
  if (command === undefined) {
    client.defineCommand('porticoRateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    const bound = (client as unknown as Record<string, IncrementCommand>).porticoRateLimitIncrement!.bind(client);
    command = bound;
    incrementCommands.set(client, command);
  }
  return command;
}

/** A UUID-shaped id derived from the counter key: the same row on every node. */
function metricId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function clusterUsage(kong: Pdk, windows: readonly Window[]): Promise<number[]> {
  const rows = await Promise.all(windows.map((window) => kong.db.select('ratelimiting_metrics', metricId(window.key))));
  return rows.map((row) => (typeof row?.value === 'number' ? row.value : 0));
}

/**
 * Adds one to every window's row (Kong's upsert `value = value + 1` in a timer).
 * @example
 * void clusterIncrement(kong, scope, windows);
 */
export async function clusterIncrement(kong: Pdk, scope: CounterScope, windows: readonly Window[]): Promise<void> {
  for (const window of windows) {
    const id = metricId(window.key);
    const existing = await kong.db.select('ratelimiting_metrics', id);
    if (existing !== null) {
      await kong.db.update('ratelimiting_metrics', id, { ...existing, value: Number(existing.value ?? 0) + 1 });
      continue;
    }
    await kong.db.insert('ratelimiting_metrics', {
      id, identifier: scope.identifier, period: window.period, period_date: window.start,
      service_id: scope.serviceId, route_id: scope.routeId, value: 1, ttl: EXPIRATION[window.period],
    });
  }
}

/**
 * Reads (and for local/redis, counts) the usage of every window under the configured policy.
 * @example
 * const result = await usageFor(kong, windows, scope);
 */
export async function usageFor(kong: Pdk, windows: readonly Window[], scope: CounterScope): Promise<PolicyResult> {
  switch (scope.policy) {
    case 'local': {
      const slots = windows.map((window) => ({ key: window.key, limit: window.limit, ttlSeconds: EXPIRATION[window.period] }));
      const { admitted, usages } = await kong.counters.acquire(slots);
      return { usages, admitted, counted: admitted };
    }
    case 'redis':
      return { usages: await redisUsage(scope, windows), counted: true };
    case 'cluster':
      return { usages: await clusterUsage(kong, windows), counted: false };
  }
}
