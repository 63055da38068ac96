// security-and-reliability §2.16: credential comparisons are constant-time. The shared helper
// must be crypto.timingSafeEqual over fixed-length digests, and the auth plugins of this group
// must not compare secrets any other way.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constantTimeEqual } from '../../src/pdk/index.ts';
import { verifyPassword, kongLegacyHash, hashPassword } from '../../src/plugins/basic-auth/password.ts';

test('constantTimeEqual is crypto.timingSafeEqual over equal-length SHA-256 digests', () => {
  const spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  try {
    assert.equal(constantTimeEqual('short', 'a much longer secret value'), false);
    assert.equal(constantTimeEqual('same', Buffer.from('same')), true);
    assert.equal(spy.mock.callCount(), 2);
    for (const call of spy.mock.calls) {
      const [left, right] = call.arguments as [Buffer, Buffer];
      assert.equal(left.length, 32);
      assert.equal(right.length, 32);
    }
  } finally {
    spy.mock.restore();
    syncBuiltinESMExports();
  }
});

test('password checks (scrypt and Kong SHA-1) go through the constant-time comparison', async () => {
  const spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  try {
    assert.equal((await verifyPassword(hashPassword('pw'), 'pw', 'c')).ok, true);
    assert.deepEqual(await verifyPassword(kongLegacyHash('c', 'pw'), 'pw', 'c'), { ok: true, legacy: true });
    assert.equal((await verifyPassword(kongLegacyHash('c', 'pw'), 'pw', 'other-consumer')).ok, false);
    assert.equal(spy.mock.callCount(), 3);
  } finally {
    spy.mock.restore();
    syncBuiltinESMExports();
  }
});

test('no secret is compared with == / === in the key-auth and basic-auth sources', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/plugins');
  const offending: string[] = [];
  for (const plugin of ['key-auth', 'basic-auth']) {
    for (const name of readdirSync(join(root, plugin)).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))) {
      readFileSync(join(root, plugin, name), 'utf8').split('\n').forEach((line, index) => {
        if (/\b(password|secret|hash|expected|stored)\b[\w.]*\s*[!=]==?\s*(?![\s'"=]|null\b|undefined\b|0\b)|[!=]==?\s*[\w.]*\b(password|secret|expected)\b/i.test(line)) {
          offending.push(`${plugin}/${name}:${index + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assert.deepEqual(offending, []);
});
