import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancerError, createBalancer, createSystemResolver } from './index.ts';
import type { Peer } from './index.ts';
import { ScriptedResolver, a, manualClock, settle, targetRow, upstreamRow } from './test-support.ts';

const hosts = (peers: Peer[]): string[] => peers.map((p) => p.host);

test('a DNS target expands to one address per record; first pick awaits, later picks are synchronous', async () => {
  const resolver = new ScriptedResolver().set('api.test', [a('10.1.0.2'), a('10.1.0.1'), a('10.1.0.3')]);
  const target = targetRow('api.test:8080', 10);
  const balancer = createBalancer(upstreamRow(), [target], { resolver });
  const first = balancer.pick([]);
  assert.ok(first instanceof Promise);
  const peer = await first;
  assert.deepEqual(peer, { host: '10.1.0.1', port: 8080, hostname: 'api.test', targetId: target.id });
  const next = [balancer.pick([]), balancer.pick([]), balancer.pick([])];
  assert.ok(next.every((p) => !(p instanceof Promise)));
  assert.deepEqual(hosts(next as Peer[]).sort(), ['10.1.0.1', '10.1.0.2', '10.1.0.3']);
  balancer.close();
});

test('each A record carries the full target weight, as in Kong', () => {
  // Kong's addAddress gives an A/AAAA entry `target.weight`, so a name with two addresses
  // weighs twice a single-address target of the same weight.
  const resolver = new ScriptedResolver().set('two.test', [a('10.2.0.1'), a('10.2.0.2')]);
  return (async () => {
    const balancer = createBalancer(upstreamRow(), [targetRow('two.test:80', 10), targetRow('10.2.0.9:80', 10)], { resolver });
    await balancer.pick([]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const peer = balancer.pick([]) as Peer;
      counts.set(peer.host, (counts.get(peer.host) ?? 0) + 1);
    }
    assert.deepEqual([counts.get('10.2.0.1'), counts.get('10.2.0.2'), counts.get('10.2.0.9')], [1000, 1000, 1000]);
  })();
});

test('SRV answers bring their own port and weight; weight 0 becomes 1', async () => {
  const resolver = new ScriptedResolver().set('_http._tcp.svc.test', [
    { address: '10.3.0.1', family: 4, ttl: 30, port: 7001, weight: 30, name: 'node1.svc.test' },
    { address: '10.3.0.2', family: 4, ttl: 30, port: 7002, weight: 0, name: 'node2.svc.test' },
  ]);
  const balancer = createBalancer(upstreamRow({ use_srv_name: true }), [targetRow('_http._tcp.svc.test:80', 100)], { resolver });
  await balancer.pick([]);
  const counts = new Map<string, number>();
  for (let i = 0; i < 310; i++) {
    const peer = balancer.pick([]) as Peer;
    counts.set(`${peer.host}:${peer.port}:${peer.hostname}`, (counts.get(`${peer.host}:${peer.port}:${peer.hostname}`) ?? 0) + 1);
  }
  assert.equal(counts.get('10.3.0.1:7001:node1.svc.test'), 300);
  assert.equal(counts.get('10.3.0.2:7002:node2.svc.test'), 10);
});

test('after the TTL the name is re-resolved in the background while the stale answer is served', async () => {
  const clock = manualClock();
  const resolver = new ScriptedResolver().set('ttl.test', [a('10.4.0.1', 10)]);
  const balancer = createBalancer(upstreamRow(), [targetRow('ttl.test:80')], { resolver, now: clock.now });
  assert.equal((await balancer.pick([])).host, '10.4.0.1');
  resolver.set('ttl.test', [a('10.4.0.2', 10)]);
  clock.advance(5_000);
  assert.equal((balancer.pick([]) as Peer).host, '10.4.0.1', 'still fresh: no query');
  assert.equal(resolver.queries.length, 1);

  clock.advance(6_000);
  resolver.hold();
  const during = balancer.pick([]);
  assert.ok(!(during instanceof Promise), 'an expired answer must not block the hot path');
  assert.equal(during.host, '10.4.0.1');
  assert.equal(resolver.queries.length, 2);
  resolver.release();
  await settle();
  assert.equal((balancer.pick([]) as Peer).host, '10.4.0.2');
  balancer.close();
});

test('a failing refresh keeps the last good addresses', async () => {
  const clock = manualClock();
  const resolver = new ScriptedResolver().set('flaky.test', [a('10.5.0.1', 1)]);
  const balancer = createBalancer(upstreamRow(), [targetRow('flaky.test:80')], { resolver, now: clock.now });
  await balancer.pick([]);
  resolver.set('flaky.test', Object.assign(new Error('timeout'), { code: 'ETIMEOUT' }));
  for (let i = 0; i < 5; i++) {
    clock.advance(2_000);
    assert.equal((balancer.pick([]) as Peer).host, '10.5.0.1');
    await settle();
  }
  assert.ok(resolver.queries.length >= 3, 'the name keeps being retried');
});

test('unresolvable targets take no traffic; if none resolves the balancer has no peers', async () => {
  const resolver = new ScriptedResolver().set('good.test', [a('10.6.0.1')]);
  const mixed = createBalancer(upstreamRow(), [targetRow('gone.test:80'), targetRow('good.test:80')], { resolver });
  for (let i = 0; i < 4; i++) assert.equal((await mixed.pick([])).host, '10.6.0.1');

  const dead = createBalancer(upstreamRow(), [targetRow('gone2.test:80')], { resolver });
  await assert.rejects(async () => dead.pick([]), (e: unknown) => e instanceof BalancerError && e.kind === 'no_peers');
});

test('a name stays off the ring until a later re-query finds it', async () => {
  const clock = manualClock();
  const resolver = new ScriptedResolver();
  const balancer = createBalancer(upstreamRow(), [targetRow('late.test:80')], { resolver, now: clock.now });
  await assert.rejects(async () => balancer.pick([]), BalancerError);
  resolver.set('late.test', [a('10.7.0.1')]);
  clock.advance(31_000); // past Kong's dns_not_found_ttl
  assert.throws(() => balancer.pick([]), BalancerError);
  await settle();
  assert.equal((balancer.pick([]) as Peer).host, '10.7.0.1');
});

test('the system resolver expands localhost from the hosts file', async () => {
  const balancer = createBalancer(upstreamRow(), [targetRow('localhost:8001')], { resolver: createSystemResolver() });
  const peer = await balancer.pick([]);
  assert.match(peer.host, /^(127\.0\.0\.1|::1)$/);
  assert.equal(peer.port, 8001);
  assert.equal(peer.hostname, 'localhost');
  balancer.close();
});
