// Admin API transport behaviour (spec kong-core §2.1, S&R §2.18/D1/D4) against a real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startHarness, call } from '../../src/admin/testing/harness.ts';
import type { Harness } from '../../src/admin/testing/harness.ts';

let admin: Harness;
before(async () => { admin = await startHarness({ database: 'sqlite' }); });
after(() => admin.close());

/** Raw HTTP request, for headers fetch() refuses to send (duplicate Content-Type). */
function raw(method: string, path: string, rawHeaders: string[], body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(admin.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers: rawHeaders as unknown as http.OutgoingHttpHeaders }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('GET / answers Kong\'s node information with the standard admin headers', async () => {
  const res = await call(admin.url, 'GET', '/');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.headers.get('server'), 'kong/3.10.0');
  assert.match(res.headers.get('x-kong-admin-latency') ?? '', /^\d+$/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
  assert.equal(res.body.tagline, 'Welcome to kong');
  assert.equal(res.body.version, '3.10.0');
  assert.equal(res.body.edition, 'community');
  assert.equal(res.body.node_id, '7f6c4c8e-2a41-4b8e-9d5b-3a3f4c2d1e0f');
  assert.equal(res.body.configuration.database, 'sqlite');
  assert.deepEqual(res.body.plugins.enabled_in_cluster, []);
  assert.equal(typeof res.body.lua_version, 'string');
  assert.equal(res.body.pids.workers.length, 1);
});

test('GET /endpoints lists every route template, sorted segment-wise', async () => {
  const { data } = (await call(admin.url, 'GET', '/endpoints')).body as { data: string[] };
  for (const path of ['/', '/services/{services}/routes/{routes}', '/routes/{routes}/service', '/upstreams/{upstreams}/targets/all', '/config', '/schemas/plugins/{name}']) {
    assert.ok(data.includes(path), path);
  }
  assert.ok(!data.includes('/targets'));
  assert.ok(!data.includes('/snis/{snis}/certificate'));
  assert.ok(data.indexOf('/services/{services}') < data.indexOf('/services/{services}/routes'));
  const key = (p: string) => p.replaceAll('/', '\u0000');
  assert.deepEqual(data, [...data].sort((a, b) => (key(a) < key(b) ? -1 : 1)));
});

test('the request Origin is echoed', async () => {
  const res = await call(admin.url, 'GET', '/status', { headers: { origin: 'http://gui.example' } });
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://gui.example');
});

test('unknown path → 404, unimplemented method → 405, trailing slash tolerated', async () => {
  assert.deepEqual((await call(admin.url, 'GET', '/nope')).body, { message: 'Not found' });
  assert.equal((await call(admin.url, 'GET', '/nope')).status, 404);
  const res = await call(admin.url, 'DELETE', '/status');
  assert.equal(res.status, 405);
  assert.deepEqual(res.body, { message: 'Method not allowed' });
  assert.equal((await call(admin.url, 'GET', '/services/')).status, 200);
});

test('OPTIONS answers 204 with sorted methods and echoed request headers', async () => {
  const res = await call(admin.url, 'OPTIONS', '/services/abc', { headers: { 'access-control-request-headers': 'X-Custom, Content-Type' } });
  assert.equal(res.status, 204);
  assert.equal(res.text, '');
  assert.equal(res.headers.get('allow'), 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
  assert.equal(res.headers.get('access-control-allow-methods'), 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
  assert.equal(res.headers.get('access-control-allow-headers'), 'X-Custom, Content-Type');
  const plain = await call(admin.url, 'OPTIONS', '/status');
  assert.equal(plain.headers.get('access-control-allow-headers'), 'Content-Type');
  assert.equal(plain.headers.get('allow'), 'GET, HEAD, OPTIONS');
  assert.equal((await call(admin.url, 'OPTIONS', '/missing')).status, 404);
});

test('HEAD is served by GET without a body', async () => {
  const res = await call(admin.url, 'HEAD', '/services');
  assert.equal(res.status, 200);
  assert.equal(res.text, '');
  assert.ok(Number(res.headers.get('content-length')) > 0);
});

test('GET /robots.txt disallows everything', async () => {
  const res = await call(admin.url, 'GET', '/robots.txt');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'User-agent: *\nDisallow: /');
});

test('malformed JSON bodies → 400 Cannot parse JSON body, nothing written', async () => {
  const bodies = ['{"name":', '{"name":"a",}', "{'name':'a'}", '\uFEFF{"name":"a","host":"h"}', '[1,2]', '"str"',
    '{"__proto__":{"polluted":true},"host":"h"}', '{"constructor":{"prototype":{"x":1}},"host":"h"}',
    '['.repeat(1001) + ']'.repeat(1001)];
  for (const body of bodies) {
    const res = await call(admin.url, 'POST', '/services', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, body.slice(0, 40));
    assert.deepEqual(res.body, { message: 'Cannot parse JSON body' });
  }
  const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
  assert.equal((await call(admin.url, 'POST', '/services', { body: invalidUtf8, headers: { 'content-type': 'application/json' } })).status, 400);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual((await call(admin.url, 'GET', '/services')).body.data, []);
});

test('JSON edge cases: duplicate keys keep the last value, non-finite and unsafe numbers are rejected', async () => {
  const post = (body: string) => call(admin.url, 'POST', '/services', { body, headers: { 'content-type': 'application/json' } });
  const dup = await post('{"host":"h","name":"dup-first","name":"dup-last"}');
  assert.equal(dup.status, 201);
  assert.equal(dup.body.name, 'dup-last');
  assert.equal((await post('{"host":"h","port":1e400}')).body.fields.port, 'expected an integer');
  assert.equal((await post('{"host":"h","port":9007199254740993}')).status, 400);
  assert.equal((await post('{"host":"h","name":"a\\u0000b"}')).status, 400);
});

test('wrong or missing content type → 415 with an empty body; two Content-Types → 400', async () => {
  const res = await call(admin.url, 'POST', '/services', { body: 'name=x', headers: { 'content-type': 'text/plain' } });
  assert.equal(res.status, 415);
  assert.equal(res.text, '');
  assert.equal((await call(admin.url, 'POST', '/services', { body: 'name: x', headers: { 'content-type': 'application/yaml' } })).status, 415);
  const dup = await raw('POST', '/services', ['Content-Type', 'application/json', 'Content-Type', 'application/x-www-form-urlencoded', 'Content-Length', '2'], '{}');
  assert.equal(dup.status, 400);
  // An empty body without a content type is fine (then it is just an incomplete entity).
  const empty = await call(admin.url, 'POST', '/services');
  assert.equal(empty.status, 400);
  assert.equal(empty.body.name, 'schema violation');
});

test('more than 1000 arguments → 400 Too many arguments', async () => {
  const form = Array.from({ length: 1001 }, (_, i) => `tags[${i + 1}]=t${i}`).join('&');
  const res = await call(admin.url, 'POST', '/services', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, { message: 'Too many arguments' });
  const query = Array.from({ length: 1001 }, (_, i) => `a${i}=1`).join('&');
  assert.deepEqual((await call(admin.url, 'GET', `/services?${query}`)).body, { message: 'Too many arguments' });
});

test('a body over nginx_admin_client_max_body_size → 413', async () => {
  const big = JSON.stringify({ host: 'h', name: 'x'.repeat(10 * 1024 * 1024) });
  const res = await call(admin.url, 'POST', '/services', { body: big, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 413);
});

test('form bodies nest keys and infer types from the schema', async () => {
  const form = 'name=form-svc&protocol=https&host=example.com&port=8080&retries=&tags[]=a&tags[]=b&tls_verify=true';
  const res = await call(admin.url, 'POST', '/services', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.port, 8080);
  assert.equal(res.body.retries, null, 'an empty form value is an explicit null');
  assert.deepEqual(res.body.tags, ['a', 'b']);
  assert.equal(res.body.tls_verify, true);
  const bad = await call(admin.url, 'POST', '/services', { body: 'host=h&port=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.fields.port, 'expected an integer');
});

test('multipart bodies are decoded like forms', async () => {
  const form = new FormData();
  form.set('name', 'multipart-svc');
  form.set('host', 'example.org');
  form.set('port', '9000');
  form.append('tags', 'm');
  const res = await call(admin.url, 'POST', '/services', { body: form });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.port, 9000);
  assert.deepEqual(res.body.tags, ['m']);
});

test('headers=off removes Server and latency; admin_gui_url origins restrict CORS', async () => {
  const quiet = await startHarness({ overrides: { headers: 'off', admin_gui_url: 'http://a.example/manager, http://b.example' } });
  try {
    const res = await call(quiet.url, 'GET', '/status', { headers: { origin: 'http://evil.example' } });
    assert.equal(res.headers.get('server'), null);
    assert.equal(res.headers.get('x-kong-admin-latency'), null);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://a.example');
    const allowed = await call(quiet.url, 'GET', '/status', { headers: { origin: 'http://b.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://b.example');
  } finally {
    await quiet.close();
  }
});
