import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, settingsForDisplay, writeResolvedEnv } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-config-display-'));

test('settingsForDisplay redacts set secrets and types values like Kong', () => {
  const settings = loadSettings({
    env: {
      KONG_PG_PASSWORD: 'hunter2', KONG_PG_RO_PASSWORD: 'ro-secret', KONG_DECLARATIVE_CONFIG_STRING: '{"_format_version":"3.0"}',
      KONG_PROXY_SERVER: 'http://user:pw@proxy:3128', KONG_REQUEST_DEBUG_TOKEN: 'tok',
      KONG_CLUSTER_CERT_KEY: '-----BEGIN PRIVATE KEY-----', KONG_PG_PORT: '6543', KONG_DATABASE: 'off',
    },
    cwd: dir,
  });
  const display = settingsForDisplay(settings);
  for (const name of ['pg_password', 'pg_ro_password', 'declarative_config_string', 'proxy_server', 'request_debug_token', 'cluster_cert_key']) {
    assert.equal(display[name], '******', name);
  }
  assert.ok(!JSON.stringify(display).includes('hunter2'));
  assert.ok(!('ssl_cert_key' in display), 'unset secrets are omitted, not shown as ******');
  assert.equal(display.pg_port, 6543);
  assert.equal(display.anonymous_reports, true);
  assert.deepEqual(display.plugins, ['bundled']);
  assert.equal(display.database, 'off');
  assert.deepEqual(display.proxy_listeners, [
    { ip: '0.0.0.0', port: 8000, ssl: false, http2: false, proxy_protocol: false, deferred: false, bind: false,
      reuseport: true, 'backlog=16384': true, listener: '0.0.0.0:8000 reuseport backlog=16384' },
    { ip: '0.0.0.0', port: 8443, ssl: true, http2: true, proxy_protocol: false, deferred: false, bind: false,
      reuseport: true, 'backlog=16384': true, listener: '0.0.0.0:8443 http2 ssl reuseport backlog=16384' },
  ]);
  assert.deepEqual(display.enabled_headers, { server_tokens: true, latency_tokens: true, 'x-kong-request-id': true });
});

test('writeResolvedEnv writes a private .kong_env that loads back to the same settings', () => {
  const prefix = join(dir, 'prefix');
  const settings = loadSettings({
    env: { KONG_PREFIX: prefix, KONG_PG_PASSWORD: 'pa#ss', KONG_LOG_LEVEL: 'warn', KONG_NGINX_HTTP_SEND_TIMEOUT: '7s' },
    cwd: dir,
  });
  const path = writeResolvedEnv(settings);
  assert.equal(path, join(prefix, '.kong_env'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const text = readFileSync(path, 'utf8');
  assert.match(text, /^log_level = warn$/m);
  assert.match(text, /^pg_password = pa\\#ss$/m);
  assert.match(text, new RegExp(`^prefix = ${prefix}$`, 'm'));
  const reloaded = loadSettings({ confPath: path, env: {}, cwd: '/' });
  assert.equal(reloaded.pg_password, 'pa#ss');
  assert.equal(reloaded.send_timeout, 7000);
  assert.deepEqual({ ...reloaded.raw }, { ...settings.raw });
  assert.deepEqual(reloaded.proxy_listen, settings.proxy_listen);
});

test('.kong_env: multi-line PEM values become base64, other multi-line values are left out', () => {
  const prefix = join(dir, 'multiline');
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
  const settings = loadSettings({
    env: { KONG_PREFIX: prefix, KONG_SSL_CERT: pem, KONG_SSL_CERT_KEY: key, KONG_DECLARATIVE_CONFIG_STRING: '_format_version: "3.0"\nservices: []\n', KONG_DATABASE: 'off' },
    cwd: dir,
  });
  const text = readFileSync(writeResolvedEnv(settings), 'utf8');
  assert.match(text, /^# declarative_config_string is multi-line and not written here$/m);
  const reloaded = loadSettings({ confPath: join(prefix, '.kong_env'), env: {}, cwd: '/' });
  assert.equal(reloaded.declarative_config_string, null);
  assert.equal(Buffer.from(reloaded.ssl_cert[0]!, 'base64').toString('utf8'), pem.trim());
  assert.equal(Buffer.from(reloaded.ssl_cert_key[0]!, 'base64').toString('utf8'), key.trim());
});

test('relative certificate and declarative paths are made absolute against the working directory', () => {
  const settings = loadSettings({ env: { KONG_DECLARATIVE_CONFIG: 'conf/kong.yml', KONG_DATABASE: 'off' }, cwd: dir });
  assert.equal(settings.declarative_config, join(dir, 'conf/kong.yml'));
  assert.equal(settings.raw.declarative_config, join(dir, 'conf/kong.yml'));
});
