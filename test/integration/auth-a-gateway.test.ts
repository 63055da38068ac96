// A real Portico process, DB-less, from a kong.yml whose consumers carry nested key-auth, acl and
// basic-auth credentials: the primary validates them with the plugins' DAOs, the worker serves
// them to the plugins through kong.db.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';

let upstream: Upstream;
let gateway: GatewayProcess;

before(async () => {
  upstream = await startUpstream();
  gateway = await startGatewayProcess({
    kongYml: `_format_version: "3.0"
services:
- name: echo
  url: http://127.0.0.1:${upstream.port}
  routes:
  - name: private
    paths: [/private]
    plugins:
    - name: key-auth
    - name: acl
      config: { allow: [gold] }
  - name: basic
    paths: [/basic]
    plugins:
    - name: basic-auth
      config: { realm: portico }
consumers:
- username: dora
  keyauth_credentials:
  - key: dora-key
  acls:
  - group: gold
  basicauth_credentials:
  - username: dora
    password: s3cret
- username: eve
  keyauth_credentials:
  - key: eve-key
`,
  });
});

after(async () => {
  await gateway?.stop();
  await upstream?.close();
});

test('key-auth + acl from kong.yml in a real gateway', async () => {
  const none = await fetch(`${gateway.proxyUrl}/private`);
  assert.equal(none.status, 401, gateway.stderr());
  assert.equal((await none.json() as { message: string }).message, 'No API key found in request');
  assert.equal((await fetch(`${gateway.proxyUrl}/private`, { headers: { apikey: 'eve-key' } })).status, 403);
  const ok = await fetch(`${gateway.proxyUrl}/private`, { headers: { apikey: 'dora-key' } });
  assert.equal(ok.status, 200, gateway.stderr());
  const seen = (await ok.json() as { headers: Record<string, string> }).headers;
  assert.equal(seen['x-consumer-username'], 'dora');
  assert.equal(seen['x-consumer-groups'], 'gold');
});

test('basic-auth from kong.yml: the password was hashed on load and still verifies', async () => {
  const good = await fetch(`${gateway.proxyUrl}/basic`, { headers: { authorization: `Basic ${Buffer.from('dora:s3cret').toString('base64')}` } });
  assert.equal(good.status, 200, gateway.stderr());
  const bad = await fetch(`${gateway.proxyUrl}/basic`, { headers: { authorization: `Basic ${Buffer.from('dora:nope').toString('base64')}` } });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('www-authenticate'), 'Basic realm="portico"');
  const listed = await (await fetch(`${gateway.adminUrl}/basic-auths/dora`)).json() as { password: string };
  assert.match(listed.password, /^scrypt\$/);
  const acls = await (await fetch(`${gateway.adminUrl}/consumers/dora/acls/gold`)).json() as { group: string };
  assert.equal(acls.group, 'gold');
});
