import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsCache } from './dns-cache.ts';
import { BalancerError } from './errors.ts';
import { ScriptedResolver, a, manualClock, settle } from './test-support.ts';

function setup(options: { staleTtl?: number; notFoundTtl?: number; errorTtl?: number } = {}) {
  const clock = manualClock();
  const resolver = new ScriptedResolver();
  return { clock, resolver, cache: new DnsCache(resolver, { now: clock.now, ...options }) };
}

test('the TTL is the smallest of the answer\'s records', async () => {
  const { clock, resolver, cache } = setup();
  resolver.set('min.test', [a('10.50.0.1', 60), a('10.50.0.2', 5)]);
  const answer = await cache.lookup('min.test');
  assert.equal(answer.expiresAt, clock.now() + 5_000);
});

test('the stale answer is served only until the stale TTL runs out', async () => {
  const { clock, resolver, cache } = setup({ staleTtl: 10 });
  resolver.set('old.test', [a('10.51.0.1', 1)]);
  await cache.lookup('old.test');
  resolver.set('old.test', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
  clock.advance(5_000);
  const stale = cache.lookup('old.test');
  assert.ok(!(stale instanceof Promise));
  assert.equal(stale.records[0]!.address, '10.51.0.1');
  await settle();
  clock.advance(10_000); // now past expiry + staleTtl
  await assert.rejects(async () => cache.lookup('old.test'), (e: unknown) => e instanceof BalancerError && e.status === 500);
});

test('errors are cached for dns_error_ttl, not-found answers for dns_not_found_ttl', async () => {
  const { clock, resolver, cache } = setup({ errorTtl: 1, notFoundTtl: 30 });
  resolver.set('err.test', Object.assign(new Error('servfail'), { code: 'ESERVFAIL' }));
  await assert.rejects(async () => cache.lookup('err.test'));
  await assert.rejects(async () => cache.lookup('nx.test'));
  assert.throws(() => cache.lookup('err.test'), BalancerError);
  assert.throws(() => cache.lookup('nx.test'), BalancerError);
  assert.equal(resolver.queries.length, 2);
  clock.advance(1_500);
  await assert.rejects(async () => cache.lookup('err.test'));
  assert.throws(() => cache.lookup('nx.test'), BalancerError);
  assert.equal(resolver.queries.length, 3, 'only the error entry expired');
  clock.advance(30_000);
  resolver.set('nx.test', [a('10.52.0.1')]);
  assert.equal((await cache.lookup('nx.test')).records[0]!.address, '10.52.0.1');
});

test('a background refresh happens once however many lookups see the stale answer', async () => {
  const { clock, resolver, cache } = setup();
  resolver.set('busy.test', [a('10.53.0.1', 1)]);
  await cache.lookup('busy.test');
  clock.advance(2_000);
  resolver.hold();
  for (let i = 0; i < 10; i++) assert.ok(!(cache.lookup('busy.test') instanceof Promise));
  assert.ok(cache.pending('busy.test') instanceof Promise);
  resolver.release();
  await settle();
  assert.equal(resolver.queries.length, 2);
  assert.equal(cache.pending('busy.test'), null);
});

test('the cache is bounded: the oldest name is evicted first', async () => {
  const clock = manualClock();
  const resolver = new ScriptedResolver().set('one.test', [a('10.54.0.1')]).set('two.test', [a('10.54.0.2')]).set('three.test', [a('10.54.0.3')]);
  const cache = new DnsCache(resolver, { now: clock.now, maxEntries: 2 });
  await cache.lookup('one.test');
  await cache.lookup('two.test');
  await cache.lookup('three.test');
  assert.ok(!(cache.lookup('three.test') instanceof Promise));
  assert.ok(cache.lookup('one.test') instanceof Promise, 'evicted, so queried again');
});
