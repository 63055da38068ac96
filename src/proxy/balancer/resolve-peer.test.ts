import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancerError, createSystemResolver, resolvePeer } from './index.ts';
import type { Peer } from './index.ts';
import { ScriptedResolver, a } from './test-support.ts';

function isDnsError(status: number, message: string | RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof BalancerError);
    assert.equal(error.kind, 'dns');
    assert.equal(error.status, status);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

test('IP literals become peers synchronously, without DNS', () => {
  const resolver = new ScriptedResolver();
  assert.deepEqual(resolvePeer('192.0.2.7', 8080, resolver), { host: '192.0.2.7', port: 8080, hostname: '192.0.2.7', targetId: null });
  assert.deepEqual(resolvePeer('[2001:db8::1]', 443, resolver), { host: '2001:db8::1', port: 443, hostname: '[2001:db8::1]', targetId: null });
  assert.deepEqual(resolvePeer('2001:db8::2', 443, resolver), { host: '2001:db8::2', port: 443, hostname: '[2001:db8::2]', targetId: null });
  assert.equal(resolver.queries.length, 0);
});

test('names are resolved once per TTL and then answered synchronously, rotating over addresses', async () => {
  const resolver = new ScriptedResolver().set('multi.test', [a('10.20.0.1'), a('10.20.0.2')]);
  const first = resolvePeer('multi.test', 80, resolver);
  assert.ok(first instanceof Promise);
  const peers: Peer[] = [await first];
  for (let i = 0; i < 3; i++) {
    const next = resolvePeer('multi.test', 80, resolver);
    assert.ok(!(next instanceof Promise));
    peers.push(next);
  }
  assert.deepEqual(peers.map((p) => p.host), ['10.20.0.1', '10.20.0.2', '10.20.0.1', '10.20.0.2']);
  assert.equal(peers[0]!.hostname, 'multi.test');
  assert.equal(resolver.queries.length, 1);
});

test('concurrent first lookups share one query', async () => {
  const resolver = new ScriptedResolver().set('shared.test', [a('10.21.0.1')]);
  const results = await Promise.all([resolvePeer('shared.test', 1, resolver), resolvePeer('SHARED.test', 2, resolver)]);
  assert.deepEqual(results.map((p) => `${p.host}:${p.port}`), ['10.21.0.1:1', '10.21.0.1:2']);
  assert.equal(resolver.queries.length, 1);
});

test('NXDOMAIN and empty answers are Kong\'s 503 "name resolution failed", cached negatively', async () => {
  const resolver = new ScriptedResolver().set('empty.test', []);
  await assert.rejects(async () => resolvePeer('missing.test', 80, resolver), isDnsError(503, 'name resolution failed'));
  await assert.rejects(async () => resolvePeer('empty.test', 80, resolver), isDnsError(503, 'name resolution failed'));
  assert.throws(() => resolvePeer('missing.test', 80, resolver), isDnsError(503, 'name resolution failed'));
  assert.deepEqual(resolver.queries, ['missing.test', 'empty.test']);
});

test('other resolver failures are Kong\'s 500 with the host in the message', async () => {
  const resolver = new ScriptedResolver().set('broken.test', Object.assign(new Error('queryA ESERVFAIL broken.test'), { code: 'ESERVFAIL' }));
  await assert.rejects(
    async () => resolvePeer('broken.test', 80, resolver),
    isDnsError(500, "failed the initial dns/balancer resolve for 'broken.test' with: queryA ESERVFAIL broken.test"),
  );
});

test('the system resolver answers localhost and reports NXDOMAIN for .invalid names', async () => {
  const resolver = createSystemResolver({ timeout: 1000, tries: 1 });
  const peer = await resolvePeer('localhost', 9999, resolver);
  assert.match(peer.host, /^(127\.0\.0\.1|::1)$/);
  assert.equal(peer.port, 9999);
  assert.equal(peer.hostname, 'localhost');
  await assert.rejects(async () => resolvePeer('no-such-host.invalid', 80, resolver), BalancerError);
});
