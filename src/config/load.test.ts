import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { confFixture } from './conf-fixture.ts';
import { loadSettings, SettingsError, DEFAULT_DATABASE } from './index.ts';

const fixture = confFixture('config');
const dir = fixture.dir;
const confFile = fixture.write;
const load = (text: string | null, env: Record<string, string> = {}, overrides: Record<string, string> = {}) =>
  loadSettings({ confPath: text === null ? undefined : confFile(text), env, overrides, cwd: dir });

test('defaults follow Kong 3.10 except prefix and database', () => {
  const settings = load(null);
  assert.equal(settings.prefix, join(dir, 'servroot'));
  assert.equal(settings.database, DEFAULT_DATABASE);
  assert.equal(settings.log_level, 'notice');
  assert.deepEqual(settings.plugins, ['bundled']);
  assert.deepEqual(settings.headers, ['server_tokens', 'latency_tokens', 'x-kong-request-id']);
  assert.deepEqual(settings.headers_upstream, ['x-kong-request-id']);
  assert.equal(settings.proxy_listen.length, 2);
  assert.deepEqual(settings.status_listen.map((l) => `${l.host}:${l.port}`), ['127.0.0.1:8007']);
  assert.equal(settings.client_max_body_size, 0);
  assert.equal(settings.client_body_buffer_size, 8192);
  assert.equal(settings.client_header_timeout, 60_000);
  assert.equal(settings.keepalive_timeout, 60_000);
  assert.equal(settings.max_request_headers, 100);
  assert.equal(settings.max_request_header_size, 32 * 1024);
  assert.equal(settings.max_uri_length, 8 * 1024);
  assert.equal(settings.upstream_keepalive_pool_size, 512);
  assert.equal(settings.upstream_keepalive_idle_timeout, 60_000);
  assert.equal(settings.admin_client_max_body_size, 10 * 1024 * 1024);
  assert.equal(settings.pg_password, null);
  assert.equal(settings.pg_port, 5432);
  assert.equal(settings.worker_processes, availableParallelism());
  assert.equal(settings.real_ip_header, 'X-Real-IP');
  assert.equal(settings.real_ip_recursive, false);
  assert.equal(settings.conf_path, null);
  assert.equal(settings.raw.prefix, settings.prefix);
  assert.equal(settings.raw.pg_password, undefined, 'NONE defaults are not in raw');
});

test('file parsing: comments, trailing comments, escaped #, NONE, booleans, sizes, quotes kept', () => {
  const settings = load([
    '# a comment line',
    '   # indented comment',
    '',
    'log_level = debug   # trailing comment',
    'pg_password = se\\#cret # the \\# is literal',
    'pg_user = "quoted"',
    'headers = NONE',
    'real_ip_recursive = on',
    'allow_debug_header = TRUE',
    'client_max_body_size = 10m',
    'client_body_buffer_size = 16K',
    'mem_cache_size = 1g',
    'client_header_timeout = 1m30s',
    'send_timeout = 500ms',
    'keepalive_timeout = 75',
    'plugins = bundled, my-plugin ,other',
    'trusted_ips = 10.0.0.0/8, ::1, 192.168.1.1, unix:',
  ].join('\n'));
  assert.equal(settings.log_level, 'debug');
  assert.equal(settings.pg_password, 'se#cret');
  assert.equal(settings.pg_user, '"quoted"');
  assert.deepEqual(settings.headers, []);
  assert.equal(settings.real_ip_recursive, true);
  assert.equal(settings.allow_debug_header, true);
  assert.equal(settings.client_max_body_size, 10 * 1024 * 1024);
  assert.equal(settings.client_body_buffer_size, 16 * 1024);
  assert.equal(settings.mem_cache_size, 1024 ** 3);
  assert.equal(settings.client_header_timeout, 90_000);
  assert.equal(settings.send_timeout, 500);
  assert.equal(settings.keepalive_timeout, 75_000);
  assert.deepEqual(settings.plugins, ['bundled', 'my-plugin', 'other']);
  assert.deepEqual(settings.trusted_ips, ['10.0.0.0/8', '::1', '192.168.1.1', 'unix:']);
});

test('line continuation and later duplicate lines win', () => {
  const settings = load('plugins = bundled,\\\n  extra\nlog_level = info\nlog_level = warn\n');
  assert.deepEqual(settings.plugins, ['bundled', 'extra']);
  assert.equal(settings.log_level, 'warn');
});

test('listen directives: flags, IPv6, off', () => {
  const settings = load([
    'proxy_listen = 0.0.0.0:8000 reuseport backlog=16384, [::1]:8001, 127.0.0.1:8444 http2 ssl proxy_protocol',
    'admin_listen = off',
    'status_listen = 127.0.0.1:0 ipv6only=off deferred bind so_keepalive=on',
  ].join('\n'));
  assert.deepEqual(settings.proxy_listen, [
    { host: '0.0.0.0', port: 8000, ssl: false, http2: false, proxy_protocol: false, reuseport: true, backlog: 16384, ipv6only: null },
    { host: '::1', port: 8001, ssl: false, http2: false, proxy_protocol: false, reuseport: false, backlog: null, ipv6only: null },
    { host: '127.0.0.1', port: 8444, ssl: true, http2: true, proxy_protocol: true, reuseport: false, backlog: null, ipv6only: null },
  ]);
  assert.deepEqual(settings.admin_listen, []);
  assert.equal(settings.status_listen[0]!.port, 0);
  assert.equal(settings.status_listen[0]!.ipv6only, false);
});

test('precedence: defaults < file < KONG_ env < PORTICO_ env < overrides', () => {
  const path = 'log_level = info\npg_host = file-host\npg_user = file-user\npg_database = file-db\n';
  const env = { KONG_PG_HOST: 'kong-env-host', KONG_PG_USER: 'kong-user', PORTICO_PG_USER: 'portico-user', KONG_PG_DATABASE: 'kong-db' };
  const settings = load(path, env, { pg_database: 'override-db' });
  assert.equal(settings.log_level, 'info');
  assert.equal(settings.pg_host, 'kong-env-host');
  assert.equal(settings.pg_user, 'portico-user');
  assert.equal(settings.pg_database, 'override-db');
});

test('env: unknown KONG_ vars ignored, NONE unsets, empty value ignored, nginx_* dynamic known', () => {
  const settings = load('pg_password = fromfile\n', {
    KONG_NOT_A_PROPERTY: 'x', PORTICO_TEST_SOMETHING: 'y', KONG_PG_PASSWORD: 'NONE', KONG_LOG_LEVEL: '',
    KONG_NGINX_PROXY_PROXY_BUFFER_SIZE: '16k', KONG_NGINX_HTTP_CLIENT_BODY_TIMEOUT: '5s',
  });
  assert.equal(settings.pg_password, null);
  assert.equal(settings.log_level, 'notice');
  assert.equal(settings.raw.nginx_proxy_proxy_buffer_size, '16k');
  assert.equal(settings.raw.not_a_property, undefined);
  assert.equal(settings.client_body_timeout, 5000);
});

test('aliases: the strongest source wins, ties go to the Portico name', () => {
  assert.equal(load('nginx_http_client_header_timeout = 10s\n').client_header_timeout, 10_000);
  assert.equal(load('client_header_timeout = 20s\nnginx_http_client_header_timeout = 10s\n').client_header_timeout, 20_000);
  assert.equal(load('client_body_timeout = 20s\n', { KONG_NGINX_HTTP_CLIENT_BODY_TIMEOUT: '3s' }).client_body_timeout, 3000);
  assert.equal(load('nginx_http_client_max_body_size = 1k\n').client_max_body_size, 1024);
  assert.equal(load('nginx_worker_processes = 3\n').worker_processes, 3);
  assert.equal(load(null, { KONG_NGINX_MAIN_WORKER_PROCESSES: '2' }).worker_processes, 2);
  assert.equal(load('worker_processes = auto\n').worker_processes, availableParallelism());
  assert.equal(load('nginx_proxy_real_ip_header = X-Forwarded-For\n').real_ip_header, 'X-Forwarded-For');
});

test('headers tokens are case-insensitive and validated', () => {
  assert.deepEqual(load('headers = Server, Via, X-Kong-Upstream-Latency\n').headers, ['server', 'via', 'x-kong-upstream-latency']);
  assert.deepEqual(load('headers_upstream = off\n').headers_upstream, []);
  assert.deepEqual(load('headers = off\n').headers, []);
});

test('database: off, sqlite, postgres; cassandra gets Kong\'s message', () => {
  assert.equal(load('database = sqlite\n').database, 'sqlite');
  assert.equal(load('database = postgres\n').database, 'postgres');
  assert.throws(() => load('database = cassandra\n'), { message: /^Cassandra as a datastore for Kong is not supported in versions 3.4 and above/ });
  assert.throws(() => load('database = mysql\n'), { message: "invalid value for 'database': 'mysql' is not one of off, sqlite, postgres" });
});

test('overrides with an unknown name are rejected', () => {
  assert.throws(() => load(null, {}, { nope: '1' }), { name: 'SettingsError', message: "unknown property 'nope'" });
});

test('a missing conf file is Kong\'s "no file at"', () => {
  const missing = join(dir, 'missing.conf');
  assert.throws(() => loadSettings({ confPath: missing, env: {} }), { message: `no file at: ${missing}` });
});

test('SettingsError carries the property', () => {
  try {
    load('pg_port = abc\n');
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof SettingsError);
    assert.equal(err.property, 'pg_port');
  }
});
