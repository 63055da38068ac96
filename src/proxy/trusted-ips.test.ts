import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAddress, realClientAddress, TrustedIps } from './trusted-ips.ts';

describe('TrustedIps', () => {
  it('matches v4 and v6 CIDRs and single addresses', () => {
    const trusted = new TrustedIps(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    assert.equal(trusted.isTrusted('10.200.3.4'), true);
    assert.equal(trusted.isTrusted('11.0.0.1'), false);
    assert.equal(trusted.isTrusted('192.168.1.7'), true);
    assert.equal(trusted.isTrusted('192.168.1.8'), false);
    assert.equal(trusted.isTrusted('2001:db8::1'), true);
    assert.equal(trusted.isTrusted('2001:db9::1'), false);
    assert.equal(trusted.isTrusted('not-an-ip'), false);
    assert.equal(trusted.isTrusted(undefined), false);
  });

  it('trusts everyone with 0.0.0.0/0,::/0 and UNIX sockets only with unix:', () => {
    const all = new TrustedIps(['0.0.0.0/0', '::/0']);
    assert.equal(all.isTrusted('8.8.8.8'), true);
    assert.equal(all.isTrusted('::1'), true);
    assert.equal(all.isTrusted(undefined), false);
    assert.equal(new TrustedIps(['unix:']).isTrusted(undefined), true);
    assert.equal(new TrustedIps([]).isTrusted('127.0.0.1'), false);
  });

  it('rejects malformed entries', () => {
    assert.throws(() => new TrustedIps(['10.0.0.0/33']), /invalid trusted_ips entry/);
    assert.throws(() => new TrustedIps(['example.com']), /invalid trusted_ips entry/);
  });

  it('normalises v4-mapped v6 addresses', () => {
    assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeAddress('::1'), '::1');
  });
});

describe('realClientAddress (nginx realip)', () => {
  const trusted = new TrustedIps(['127.0.0.1', '10.0.0.0/8']);
  it('ignores the header from an untrusted peer', () => {
    assert.equal(realClientAddress('8.8.8.8', '1.2.3.4', trusted, false), '8.8.8.8');
  });
  it('takes the rightmost address without recursion', () => {
    assert.equal(realClientAddress('127.0.0.1', '1.2.3.4, 10.0.0.2', trusted, false), '10.0.0.2');
  });
  it('skips trusted hops right-to-left with recursion', () => {
    assert.equal(realClientAddress('127.0.0.1', '1.2.3.4, 5.6.7.8, 10.0.0.2', trusted, true), '5.6.7.8');
    assert.equal(realClientAddress('127.0.0.1', '10.0.0.3, 10.0.0.2', trusted, true), '10.0.0.3');
  });
  it('keeps the peer when the header holds no address', () => {
    assert.equal(realClientAddress('127.0.0.1', 'garbage', trusted, true), '127.0.0.1');
    assert.equal(realClientAddress('127.0.0.1', undefined, trusted, true), '127.0.0.1');
  });
});
