// Admin API authentication (Portico): required before the Admin API may leave loopback, enforced
// on every request once configured, never on CORS preflights, and never on the Status API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startHarness } from '../../src/admin/testing/harness.ts';
import { startGatewayProcess } from '../helpers/gateway-process.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('a token is required on every Admin API request once configured', async () => {
  const harness = await startHarness({ overrides: { admin_auth_token: 'tok-3f9a' } });
  try {
    const denied = await call(harness.url, 'GET', '/services');
    assert.equal(denied.status, 401);
    assert.deepEqual(denied.body, { message: 'Unauthorized' });
    assert.equal((await call(harness.url, 'GET', '/', { headers: { 'Kong-Admin-Token': 'tok-3f9b' } })).status, 401, 'wrong token');
    assert.equal((await call(harness.url, 'GET', '/', { headers: { 'Kong-Admin-Token': 'tok-3f9' } })).status, 401, 'a prefix of the token');
    assert.equal((await call(harness.url, 'GET', '/services', { headers: { 'Kong-Admin-Token': 'tok-3f9a' } })).status, 200);
    assert.equal((await call(harness.url, 'GET', '/services', { headers: { Authorization: 'Bearer tok-3f9a' } })).status, 200);
    assert.equal((await call(harness.url, 'GET', '/services', { headers: { Authorization: basic('admin', 'tok-3f9a') } })).status, 401, 'a token is not a password');
    const preflight = await call(harness.url, 'OPTIONS', '/services', { headers: { Origin: 'http://gui.test', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal((await call(harness.url, 'GET', '/nope')).status, 404, 'unknown paths stay 404 (no auth oracle for routes)');
  } finally {
    await harness.close();
  }
});

test('basic credentials for admin_auth_user / admin_auth_password', async () => {
  const harness = await startHarness({ overrides: { admin_auth_user: 'ops', admin_auth_password: 'p@ss:word' } });
  try {
    assert.equal((await call(harness.url, 'GET', '/', { headers: { Authorization: basic('ops', 'p@ss:word') } })).status, 200);
    assert.equal((await call(harness.url, 'GET', '/', { headers: { Authorization: basic('ops', 'p@ss:wore') } })).status, 401);
    assert.equal((await call(harness.url, 'GET', '/', { headers: { Authorization: basic('admin', 'p@ss:word') } })).status, 401);
    assert.equal((await call(harness.url, 'GET', '/', { headers: { Authorization: 'Basic %%%' } })).status, 401);
    const unauth = await call(harness.url, 'GET', '/');
    assert.equal(unauth.status, 401);
    assert.match(unauth.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  } finally {
    await harness.close();
  }
});

test('start refuses a non-loopback admin_listen without authentication', async () => {
  const gateway = await startGatewayProcess({ env: { KONG_ADMIN_LISTEN: '0.0.0.0:0' }, noWait: true });
  assert.equal(await gateway.exited, 1);
  assert.match(gateway.stderr(), /Error: invalid value for 'admin_listen': 0\.0\.0\.0:0 is not a loopback address .*admin_auth_token/);
  await gateway.stop();
});
