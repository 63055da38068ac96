import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { confFixture } from './conf-fixture.ts';
import { loadSettings } from './index.ts';

const fixture = confFixture('config-errors');
const dir = fixture.dir;
const confFile = fixture.write;
const loadText = (text: string) => loadSettings({ confPath: confFile(text), env: {}, cwd: dir });

test('unknown property in the file names the property and the file', () => {
  const path = confFile('proxi_listen = 0.0.0.0:8000\n');
  assert.throws(() => loadSettings({ confPath: path, env: {} }), {
    name: 'SettingsError', message: `unknown property 'proxi_listen' in ${path}`,
  });
});

test('malformed lines are rejected with their line number', () => {
  const path = confFile('log_level = info\nthis is not a setting\n');
  assert.throws(() => loadSettings({ confPath: path, env: {} }), {
    message: `malformed line 2 in ${path}: expected 'name = value', got 'this is not a setting'`,
  });
});

const cases: Array<[string, string]> = [
  ['proxy_listen = 0.0.0.0', "invalid value for 'proxy_listen': '0.0.0.0' must be of form: "],
  ['proxy_listen = 0.0.0.0:99999', "invalid value for 'proxy_listen': '0.0.0.0:99999' has an invalid port (expected 0-65535)"],
  ['proxy_listen = 0.0.0.0:8000 sslx', "invalid value for 'proxy_listen': unknown flag 'sslx' in '0.0.0.0:8000 sslx'"],
  ['admin_listen = off, 127.0.0.1:8001', "invalid value for 'admin_listen': 'off' cannot be combined with other entries"],
  ['admin_listen = ::1:8001', "invalid value for 'admin_listen': '::1:8001' has an invalid address (IPv6 addresses need brackets: [::1]:8000)"],
  ['proxy_listen = 0.0.0.0:8000 backlog=abc', "invalid value for 'proxy_listen': unknown flag 'backlog=abc'"],
  ['real_ip_recursive = yes', "invalid value for 'real_ip_recursive': expected on, off, true or false, got 'yes'"],
  ['anonymous_reports = maybe', "invalid value for 'anonymous_reports': expected on, off, true or false, got 'maybe'"],
  ['pg_port = abc', "invalid value for 'pg_port': 'abc' is not a number"],
  ['pg_port = 70000', "invalid value for 'pg_port': must be between 0 and 65535, got 70000"],
  ['db_cache_ttl = soon', "invalid value for 'db_cache_ttl': 'soon' is not a number"],
  ['client_max_body_size = 10x', "invalid value for 'client_max_body_size': '10x' is not a size (expected e.g. 512, 8k, 10m or 1g)"],
  ['client_header_timeout = 5 s', "invalid value for 'client_header_timeout': '5 s' is not a duration (expected e.g. 60s, 500ms, 1m30s)"],
  ['send_timeout = s', "invalid value for 'send_timeout': 's' is not a duration"],
  ['worker_processes = 0', "invalid value for 'worker_processes': must be 1 or greater, got 0"],
  ['nginx_worker_processes = many', "invalid value for 'worker_processes': 'many' is not an integer"],
  ['log_level = loud', "invalid value for 'log_level': 'loud' is not one of debug, info, notice, warn, error, crit, alert, emerg"],
  ['router_flavor = fancy', "invalid value for 'router_flavor': 'fancy' is not one of traditional_compatible, traditional, expressions"],
  ['headers = server_tokens, x-foo', "invalid value for 'headers': invalid entry 'x-foo'"],
  ['headers = off, via', "invalid value for 'headers': 'off' cannot be combined with other values"],
  ['headers_upstream = via', "invalid value for 'headers_upstream': invalid entry 'via'"],
  ['trusted_ips = 10.0.0.0/33', "invalid value for 'trusted_ips': must be a comma separated list in the form of IPv4 or IPv6 address or CIDR block or 'unix:', got '10.0.0.0/33'"],
  ['trusted_ips = example.com', "invalid value for 'trusted_ips': must be a comma separated list in the form of IPv4 or IPv6 address or CIDR block or 'unix:', got 'example.com'"],
  ['node_id = not-a-uuid', "invalid value for 'node_id': must be a valid UUID"],
  ['pg_host = NONE', "invalid value for 'pg_host': a value is required (NONE is not allowed here)"],
  ['max_request_headers = 0', "invalid value for 'max_request_headers': must be 1 or greater, got 0"],
  ['max_uri_length = 0', "invalid value for 'max_uri_length': must be greater than 0, got 0"],
  ['db_update_frequency = 0', "invalid value for 'db_update_frequency': must be greater than 0, got 0"],
  ['upstream_keepalive_pool_size = -1', "invalid value for 'upstream_keepalive_pool_size': must be 0 or greater, got -1"],
];

for (const [line, message] of cases) {
  test(`rejects: ${line}`, () => {
    assert.throws(() => loadText(`${line}\n`), (err: Error) => {
      assert.equal(err.name, 'SettingsError');
      assert.ok(err.message.startsWith(message), `got: ${err.message}`);
      return true;
    });
  });
}

test('cross-checks: declarative_config needs database = off', () => {
  assert.throws(() => loadText('database = postgres\ndeclarative_config = /tmp/kong.yml\n'), {
    message: "invalid value for 'declarative_config': can only be used with database = off (database is 'postgres')",
  });
  assert.equal(loadText('database = off\ndeclarative_config = /tmp/kong.yml\n').declarative_config, '/tmp/kong.yml');
});

test('cross-checks: a non-loopback admin_listen is refused without Admin API authentication', () => {
  assert.throws(() => loadText('admin_listen = 0.0.0.0:8001\n'), {
    message: "invalid value for 'admin_listen': 0.0.0.0:8001 is not a loopback address and the Admin API has no "
      + 'authentication; keep it on 127.0.0.1, or set admin_auth_token (or admin_auth_password) '
      + 'so every Admin API request must authenticate',
  });
  assert.throws(() => loadText('admin_listen = 127.0.0.1:8001, [::]:8001\n'), { message: /^invalid value for 'admin_listen': \[::\]:8001 is not a loopback/ });
  assert.equal(loadText('admin_listen = 0.0.0.0:8001\nadmin_auth_token = s3cret-token\n').admin_listen[0]!.host, '0.0.0.0');
  assert.equal(loadText('admin_listen = 0.0.0.0:8001\nadmin_auth_password = pw\n').admin_auth_user, 'admin');
  assert.equal(loadText('admin_listen = 127.0.0.2:8001, [::1]:8444 ssl, localhost:9001\n').admin_listen.length, 3);
});

test('cross-checks: hybrid roles (Kong messages)', () => {
  assert.throws(() => loadText('role = data_plane\ndatabase = postgres\n'), {
    message: 'only in-memory storage can be used when role = "data_plane"\nHint: set database = off in your kong.conf',
  });
  assert.throws(() => loadText('role = control_plane\ndatabase = off\n'), {
    message: 'in-memory storage can not be used when role = "control_plane"',
  });
  assert.throws(() => loadText('role = data_plane\ndatabase = off\n'), { message: 'cluster certificate and key must be provided to use Hybrid mode' });
});

test('cross-checks: certificate pairs and files', () => {
  const cert = join(dir, 'cert.pem');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\n');
  assert.throws(() => loadText(`ssl_cert = ${cert}\n`), { message: 'ssl_cert_key must be specified' });
  assert.throws(() => loadText(`admin_ssl_cert_key = ${cert}\n`), { message: 'admin_ssl_cert must be specified' });
  assert.throws(() => loadText(`ssl_cert = ${cert}\nssl_cert_key = ${join(dir, 'nope.key')}\n`), {
    message: `invalid value for 'ssl_cert_key': no such file at ${join(dir, 'nope.key')}`,
  });
  const inlineKey = Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n').toString('base64');
  const settings = loadText(`ssl_cert = ${cert}\nssl_cert_key = ${inlineKey}\n`);
  assert.deepEqual(settings.ssl_cert, [cert]);
  assert.throws(() => loadText('ssl_cipher_suite = custom\n'), {
    message: "invalid value for 'ssl_ciphers': must be specified when ssl_cipher_suite = custom",
  });
});
