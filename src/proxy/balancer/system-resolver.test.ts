import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemResolver } from './index.ts';
import type { DnsResolver } from './index.ts';
import { startDnsServer } from './dns-test-server.ts';
import { isNotFound } from './system-resolver.ts';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
let resolver: DnsResolver;
let directory: string;

before(async () => {
  dns = await startDnsServer({
    'web.test': { a: [{ address: '10.30.0.1', ttl: 40 }, { address: '10.30.0.2', ttl: 20 }] },
    'six.test': { aaaa: [{ address: '2001:db8::5', ttl: 50 }] },
    'node1.svc.test': { a: [{ address: '10.31.0.1', ttl: 60 }] },
    'node2.svc.test': { a: [{ address: '10.31.0.2', ttl: 60 }] },
    '_http._tcp.svc.test': {
      srv: [
        { priority: 10, weight: 5, port: 7001, target: 'node1.svc.test', ttl: 60 },
        { priority: 10, weight: 0, port: 7002, target: 'node2.svc.test', ttl: 60 },
        { priority: 20, weight: 9, port: 7003, target: 'node1.svc.test', ttl: 60 },
      ],
    },
    'empty.test': {},
  });
  directory = await mkdtemp(join(tmpdir(), 'portico-hosts-'));
  const hostsFile = join(directory, 'hosts');
  await writeFile(hostsFile, '# comment\n10.40.0.1  pinned.test alias.test # trailing\n::1 pinned.test\n10.30.9.9 web.other\n');
  resolver = createSystemResolver({ servers: [dns.server], timeout: 500, tries: 1, hostsFile });
});

after(async () => {
  await dns.close();
  await rm(directory, { recursive: true, force: true });
});

test('A records come back with their TTLs', async () => {
  const records = await resolver.resolve('web.test');
  assert.deepEqual(records, [
    { address: '10.30.0.1', family: 4, ttl: 40 },
    { address: '10.30.0.2', family: 4, ttl: 20 },
  ]);
});

test('AAAA is asked when there is no A record', async () => {
  assert.deepEqual(await resolver.resolve('six.test'), [{ address: '2001:db8::5', family: 6, ttl: 50 }]);
});

test('SRV names answer address and port of the best priority only', async () => {
  const records = await resolver.resolve('_http._tcp.svc.test');
  assert.deepEqual(records.map((r) => [r.address, r.port, r.weight, r.name]), [
    ['10.31.0.1', 7001, 5, 'node1.svc.test'],
    ['10.31.0.2', 7002, 0, 'node2.svc.test'],
  ]);
});

test('the hosts file is consulted first, both families, A first', async () => {
  const before = dns.queries.length;
  const records = await resolver.resolve('ALIAS.test');
  assert.deepEqual(records.map((r) => r.address), ['10.40.0.1']);
  assert.deepEqual((await resolver.resolve('pinned.test')).map((r) => r.address), ['10.40.0.1', '::1']);
  assert.equal(dns.queries.length, before, 'no DNS query for a hosts-file name');
});

test('unknown names and names without records are "not found"', async () => {
  await assert.rejects(resolver.resolve('nothing.test'), (error: unknown) => isNotFound(error));
  await assert.rejects(resolver.resolve('empty.test'), (error: unknown) => isNotFound(error));
});
