// Against a real OpenLDAP (Debian's slapd) started by this file on a random port with its own
// temporary config and database; skipped with a note when slapd is not installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { entityDefinitions, registerPluginSchema } from '../../entities/index.ts';
import type { KongError } from '../../core/errors.ts';
import type { Consumer, Route, Service } from '../../entities/types.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import type { NodeCache } from '../../pdk/index.ts';
import { plugin, retrieveCredentials } from './handler.ts';
import { escapeDnValue } from './ldap.ts';
import { LEAF_CERT, LEAF_KEY } from '../../entities/test-fixtures.ts';

registerPluginSchema('ldap-auth', plugin.schema);
const SLAPD = '/usr/sbin/slapd';
const BASE = 'dc=example,dc=test';
const service = { id: '9f3c1a4e-1111-4c5d-8e9f-000000000001', name: 's' } as unknown as Service;
const route = { id: '9f3c1a4e-2222-4c5d-8e9f-000000000002', service: { id: service.id } } as unknown as Route;
const anon: Consumer = { id: '9f3c1a4e-4444-4c5d-8e9f-000000000004', created_at: 0, updated_at: 0, username: 'anon', custom_id: null, tags: null };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let slapd: ChildProcess | null = null;
let dir = '';
let port = 0;
let tlsPort = 0;

async function startSlapd(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'portico-slapd-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'cert.pem'), LEAF_CERT);
  writeFileSync(join(dir, 'key.pem'), LEAF_KEY);
  writeFileSync(join(dir, 'slapd.conf'), [
    `TLSCertificateFile ${join(dir, 'cert.pem')}`, `TLSCertificateKeyFile ${join(dir, 'key.pem')}`,
    'include /etc/ldap/schema/core.schema', 'modulepath /usr/lib/ldap', 'moduleload back_mdb',
    `pidfile ${join(dir, 'slapd.pid')}`, 'database mdb', 'maxsize 10485760', `suffix "${BASE}"`, `rootdn "cn=admin,${BASE}"`,
    'rootpw admin-secret', `directory ${join(dir, 'db')}`, 'access to * by * read', '',
  ].join('\n'));
  port = await freePort();
  tlsPort = await freePort();
  slapd = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`, '-d', '0'], { stdio: 'ignore' });
  const admin = new Client({ url: `ldap://127.0.0.1:${port}`, connectTimeout: 1000 });
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.bind(`cn=admin,${BASE}`, 'admin-secret');
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await admin.add(BASE, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await admin.add(`cn=einstein,${BASE}`, { objectClass: 'person', cn: 'einstein', sn: 'Einstein', userPassword: 'password' });
  await admin.add(`cn=a\\,b,${BASE}`, { objectClass: 'person', cn: 'a,b', sn: 'Comma', userPassword: 'comma-pass' });
  await admin.unbind();
}

const hasSlapd = existsSync(SLAPD);

async function setup(config: Record<string, unknown> = {}, cache?: NodeCache) {
  const conf = entityDefinitions.plugins.validate({
    name: 'ldap-auth', config: { ldap_host: '127.0.0.1', ldap_port: port, base_dn: BASE, attribute: 'cn', ...config },
  }, 'insert').config as Record<string, unknown>;
  return createPluginHarness({ plugins: [plugin], rows: [pluginRow('ldap-auth', conf)], consumers: [anon], cache });
}
const basic = (user: string, password: string, scheme = 'ldap') => `${scheme} ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('ldap-auth schema and header parsing', () => {
  it("fills Kong's defaults; ldaps and start_tls exclude each other", () => {
    const conf = entityDefinitions.plugins.validate({ name: 'ldap-auth', config: { ldap_host: 'ldap.test', base_dn: BASE, attribute: 'uid' } }, 'insert').config as Record<string, unknown>;
    assert.equal(conf.ldap_port, 389);
    assert.equal(conf.cache_ttl, 60);
    assert.equal(conf.timeout, 10000);
    assert.equal(conf.keepalive, 60000);
    assert.equal(conf.header_type, 'ldap');
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'ldap-auth', config: { ldap_host: 'ldap.test', base_dn: BASE, attribute: 'uid', ldaps: true, start_tls: true } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes("'ldaps' and 'start_tls' cannot be enabled simultaneously"));
    assert.throws(() => entityDefinitions.plugins.validate({ name: 'ldap-auth', config: { base_dn: BASE, attribute: 'uid' } }, 'insert'),
      (error: KongError) => JSON.stringify(error.fields).includes('required field missing'));
  });
  it('parses the header like Kong and escapes DN values', () => {
    assert.deepEqual(retrieveCredentials(basic('u', 'p:q'), 'ldap'), { username: 'u', password: 'p:q' });
    assert.deepEqual(retrieveCredentials(basic('u', 'p', 'LDAP'), 'ldap'), { username: 'u', password: 'p' });
    assert.equal(retrieveCredentials(basic('u', ''), 'ldap'), null, 'an empty password would be an anonymous bind');
    assert.equal(retrieveCredentials(basic('u', 'p', 'Basic'), 'ldap'), null);
    assert.equal(escapeDnValue('a,b=c'), 'a\\,b\\=c');
    assert.equal(escapeDnValue(' #x '), '\\ #x\\ ');
  });
});

describe('ldap-auth against slapd', { skip: hasSlapd ? false : 'slapd not installed (apt-get install slapd)' }, () => {
  before(startSlapd);
  after(() => {
    slapd?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds, sets the credential headers and hides credentials', async () => {
    const harness = await setup({ hide_credentials: true });
    const result = await harness.request({ route, service, headers: { authorization: basic('einstein', 'password') } });
    assert.equal(result.status, 200, result.body);
    assert.equal(result.ctx.upstream.headers.get('x-credential-identifier'), 'einstein');
    assert.equal(result.ctx.upstream.headers.get('x-consumer-id'), null);
    assert.equal(result.ctx.upstream.headers.get('authorization'), null);
    const escaped = await harness.request({ route, service, headers: { 'proxy-authorization': basic('a,b', 'comma-pass') } });
    assert.equal(escaped.status, 200, 'a name with a comma binds as its own escaped DN');
  });

  it('rejects wrong passwords and unknown users with the LDAP challenge', async () => {
    const harness = await setup({ realm: 'corp' });
    const attempts: Array<Record<string, string>> = [{}, { authorization: basic('einstein', 'wrong') }, { authorization: basic('nobody', 'x') }, { authorization: 'Basic Zm9vOmJhcg==' }];
    for (const headers of attempts) {
      const result = await harness.request({ route, service, headers });
      assert.equal(result.status, 401);
      assert.equal(JSON.parse(result.body).message, 'Unauthorized');
      assert.equal(result.headers['www-authenticate'], 'LDAP realm="corp"');
    }
    const custom = await setup({ header_type: 'basic' });
    const ok = await custom.request({ route, service, headers: { authorization: basic('einstein', 'password', 'Basic') } });
    assert.equal(ok.status, 200);
    assert.equal((await custom.request({ route, service })).headers['www-authenticate'], 'basic');
  });

  it('caches results for cache_ttl; an unreachable server is a 500; anonymous fallback', async () => {
    const harness = await setup();
    assert.equal((await harness.request({ route, service, headers: { authorization: basic('einstein', 'password') } })).status, 200);
    const down = await setup({ ldap_port: await freePort(), timeout: 500 });
    const failed = await down.request({ route, service, headers: { authorization: basic('einstein', 'password') } });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.includes('password'), false);
    // Same node cache, server frozen: the cached success still answers.
    const cached = await setup({}, harness.environment.cache);
    slapd?.kill('SIGSTOP');
    try {
      assert.equal((await cached.request({ route, service, headers: { authorization: basic('einstein', 'password') } })).status, 200);
    } finally {
      slapd?.kill('SIGCONT');
    }
    const anonymous = await setup({ anonymous: 'anon' });
    const fallback = await anonymous.request({ route, service, headers: { authorization: basic('einstein', 'wrong') } });
    assert.equal(fallback.status, 200);
    assert.equal(fallback.ctx.upstream.headers.get('x-anonymous-consumer'), 'true');
  });

  it('binds over LDAPS and StartTLS; verify_ldap_host refuses an untrusted certificate', async () => {
    const ldaps = await setup({ ldaps: true, ldap_port: tlsPort });
    assert.equal((await ldaps.request({ route, service, headers: { authorization: basic('einstein', 'password') } })).status, 200);
    const startTls = await setup({ start_tls: true });
    assert.equal((await startTls.request({ route, service, headers: { authorization: basic('einstein', 'password') } })).status, 200);
    const verified = await setup({ ldaps: true, ldap_port: tlsPort, verify_ldap_host: true });
    assert.equal((await verified.request({ route, service, headers: { authorization: basic('einstein', 'password') } })).status, 500);
  });
});
