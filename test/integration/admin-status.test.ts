// The Status API (status_listen): /status and the readiness probe (kong-core §10.1, kong/status/ready.lua).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call } from '../../src/admin/testing/harness.ts';

test('DB-less readiness follows the configuration hash', async () => {
  const never = await startHarness({ status: true, hash: null });
  const empty = await startHarness({ status: true, hash: '0'.repeat(32) });
  try {
    const a = await call(never.url, 'GET', '/status/ready');
    assert.equal(a.status, 503);
    assert.deepEqual(a.body, { message: 'no configuration available (configuration hash is not initialized)' });
    const b = await call(empty.url, 'GET', '/status/ready');
    assert.equal(b.status, 503);
    assert.deepEqual(b.body, { message: 'no configuration available (empty configuration present)' });
  } finally {
    await never.close();
    await empty.close();
  }
});

test('ready until drained; POST /status/ready {status:"draining"} → 204 then 503 draining', async () => {
  const status = await startHarness({ status: true, hash: 'a'.repeat(32) });
  try {
    assert.deepEqual((await call(status.url, 'GET', '/status/ready')).body, { message: 'ready' });
    const bad = await call(status.url, 'POST', '/status/ready', { json: { status: 'sleeping' } });
    assert.equal(bad.status, 400);
    assert.equal((await call(status.url, 'GET', '/status/ready')).status, 200);
    const drain = await call(status.url, 'POST', '/status/ready', { json: { status: 'draining' } });
    assert.equal(drain.status, 204);
    const after = await call(status.url, 'GET', '/status/ready');
    assert.equal(after.status, 503);
    assert.deepEqual(after.body, { message: 'draining' });
  } finally {
    await status.close();
  }
});

test('the Status API serves /status but no Admin endpoints', async () => {
  const status = await startHarness({ status: true, hash: 'b'.repeat(32) });
  try {
    const res = await call(status.url, 'GET', '/status');
    assert.equal(res.status, 200);
    assert.equal(res.body.configuration_hash, 'b'.repeat(32));
    assert.equal(res.headers.get('server'), 'kong/3.10.0');
    assert.equal((await call(status.url, 'GET', '/services')).status, 404);
    assert.equal((await call(status.url, 'GET', '/config')).status, 404);
    assert.equal((await call(status.url, 'DELETE', '/status')).status, 405);
  } finally {
    await status.close();
  }
});

test('with a database the node is ready without a configuration hash', async () => {
  const status = await startHarness({ status: true, database: 'sqlite' });
  try {
    assert.deepEqual((await call(status.url, 'GET', '/status/ready')).body, { message: 'ready' });
    assert.deepEqual((await call(status.url, 'GET', '/status')).body.database, { reachable: true });
  } finally {
    await status.close();
  }
});

test('clustering endpoints answer only on a control plane', async () => {
  const admin = await startHarness({ database: 'sqlite' });
  try {
    const res = await call(admin.url, 'GET', '/clustering/data-planes');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { message: 'this endpoint is only available when Kong is configured to run as Control Plane for the cluster' });
    assert.equal((await call(admin.url, 'GET', '/clustering/status')).status, 400);
  } finally {
    await admin.close();
  }
});
