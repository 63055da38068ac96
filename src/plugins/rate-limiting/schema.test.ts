import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validConfig } from './test-support.ts';
import { resetSeconds, windowStart } from '../../pdk/time-windows.ts';

function violation(config: Record<string, unknown>): unknown {
  try {
    validConfig(config);
  } catch (error) {
    return (error as { fields?: unknown; body?: unknown }).body ?? error;
  }
  assert.fail('expected a schema violation');
}

test('defaults are Kong\'s', () => {
  const conf = validConfig({ minute: 5 });
  assert.equal(conf.limit_by, 'consumer');
  assert.equal(conf.policy, 'local');
  assert.equal(conf.fault_tolerant, true);
  assert.equal(conf.hide_client_headers, false);
  assert.equal(conf.error_code, 429);
  assert.equal(conf.error_message, 'API rate limit exceeded');
  assert.equal(conf.sync_rate, -1);
  assert.equal((conf.redis as { port: number }).port, 6379);
  assert.equal((conf.redis as { timeout: number }).timeout, 2000);
});

test('at least one period is required', () => {
  assert.match(JSON.stringify(violation({})), /at least one of these fields must be non-empty: 'config.second', 'config.minute'/);
});

test('a longer period may not have a lower limit', () => {
  assert.match(JSON.stringify(violation({ second: 10, minute: 5 })),
    /The limit for minute\(5.0\) cannot be lower than the limit for second\(10.0\)/);
});

test('redis policy needs a host; header and path limits need their field', () => {
  assert.match(JSON.stringify(violation({ minute: 1, policy: 'redis' })), /"redis":\{"host":"required field missing"\}/);
  assert.match(JSON.stringify(violation({ minute: 1, limit_by: 'header' })), /"header_name":"required field missing"/);
  assert.match(JSON.stringify(violation({ minute: 1, limit_by: 'path' })), /"path":"required field missing"/);
  assert.match(JSON.stringify(violation({ minute: 1, policy: 'memcached' })), /expected one of: local, cluster, redis/);
  assert.match(JSON.stringify(violation({ minute: 0 })), /value must be greater than 0/);
});

test('windows are calendar-aligned in UTC; month reset assumes 30 days', () => {
  const now = Date.UTC(2024, 1, 15, 10, 5, 30, 250);
  assert.equal(windowStart('second', now), Date.UTC(2024, 1, 15, 10, 5, 30));
  assert.equal(windowStart('minute', now), Date.UTC(2024, 1, 15, 10, 5));
  assert.equal(windowStart('hour', now), Date.UTC(2024, 1, 15, 10));
  assert.equal(windowStart('day', now), Date.UTC(2024, 1, 15));
  assert.equal(windowStart('month', now), Date.UTC(2024, 1, 1));
  assert.equal(windowStart('year', now), Date.UTC(2024, 0, 1));
  assert.equal(resetSeconds('minute', now), 30);
  assert.equal(resetSeconds('second', now), 1);
  assert.equal(resetSeconds('month', now), 2592000 - (14 * 86400 + 10 * 3600 + 5 * 60 + 30));
});
