import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testPdk } from './test-context.ts';

test('kong.request accessors, query parsing and Kong header name rules', () => {
  const { kong } = testPdk({ method: 'POST', path: '/a/b', query: 'x=1&x=2&flag&empty=&sp=a+b%21', headers: { 'x-custom-header': ['one', 'two'] } });
  assert.equal(kong.request.get_method(), 'POST');
  assert.equal(kong.request.get_path(), '/a/b');
  assert.equal(kong.request.get_path_with_query(), '/a/b?x=1&x=2&flag&empty=&sp=a+b%21');
  assert.equal(kong.request.get_forwarded_scheme(), 'https');
  assert.deepEqual({ ...kong.request.get_query() }, { x: ['1', '2'], flag: true, empty: '', sp: 'a b!' });
  assert.equal(kong.request.get_query_arg('x'), '1');
  assert.deepEqual(Object.keys(kong.request.get_query(2)), ['x']);
  assert.equal(kong.request.get_header('X_Custom_Header'), 'one');
  assert.equal(kong.request.get_header('missing'), undefined);
  // kong-pdk's camelCase spelling reaches the same method.
  assert.equal(kong.request.getHeader('x-custom-header'), 'one');
  assert.equal(kong.request.get_raw_path(), '/a/b');
  assert.equal(kong.request.get_http_version(), 1.1);
  assert.deepEqual(kong.request.getUriCaptures(), { unnamed: [], named: {} });
});

test('kong.request.get_body decodes JSON, forms and multipart, null when it cannot', async () => {
  const json = testPdk({ headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' }).kong;
  assert.deepEqual(await json.request.get_body(), { a: [1, 2] });
  const form = testPdk({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&a=2&b=%20' }).kong;
  assert.deepEqual({ ...(await form.request.get_body()) as object }, { a: ['1', '2'], b: ' ' });
  const multipartBody = '--XX\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nhello\r\n--XX--\r\n';
  const multipart = testPdk({ headers: { 'content-type': 'multipart/form-data; boundary=XX' }, body: multipartBody }).kong;
  assert.deepEqual({ ...(await multipart.request.get_body()) as object }, { field: 'value', file: 'hello' });
  const broken = testPdk({ headers: { 'content-type': 'application/json' }, body: '{' }).kong;
  assert.equal(await broken.request.get_body(), null);
  assert.deepEqual(await broken.request.get_body_with_error(), [null, 'invalid json body', 'application/json']);
  const untyped = testPdk({ body: 'x' }).kong;
  assert.deepEqual(await untyped.request.get_body_with_error(), [null, 'missing content type', null]);
  const xml = testPdk({ headers: { 'content-type': 'text/xml' }, body: '<a/>' }).kong;
  assert.deepEqual(await xml.request.get_body_with_error(), [null, "unsupported content type 'text/xml'", 'text/xml']);
  assert.equal((await json.request.get_raw_body()).toString(), '{"a":[1,2]}');
});

test('kong.response.exit: JSON for objects (no request_id), verbatim strings, empty body', () => {
  const object = testPdk();
  object.kong.response.exit(403, { message: 'nope' });
  assert.deepEqual(object.ctx.exit, { status: 403, body: '{"message":"nope"}', contentType: 'application/json; charset=utf-8', kind: 'exit' });
  assert.equal(object.kong.response.get_source(), 'exit');

  const text = testPdk();
  text.kong.response.exit(200, 'plain', { 'X-A': '1' });
  assert.equal(text.ctx.exit?.body, 'plain');
  assert.equal(text.ctx.exit?.contentType, null);
  assert.equal(text.kong.response.get_header('x-a'), '1');

  const empty = testPdk();
  empty.kong.response.exit(204);
  assert.equal(empty.ctx.exit?.body, '');
  assert.throws(() => empty.kong.response.exit(99), /between 100 and 599/);
  const logPhase = testPdk({ phase: 'log' });
  assert.throws(() => logPhase.kong.response.exit(200), /cannot be called in the log phase/);
});

test('kong.response.error renders the template chosen by Accept, or by a given Content-Type', () => {
  const rid = 'f'.repeat(32);
  const cases: Array<[string | undefined, string, string]> = [
    [undefined, 'application/json; charset=utf-8', `{\n  "message":"Unauthorized",\n  "request_id":"${rid}"\n}`],
    ['text/plain', 'text/plain; charset=utf-8', `Unauthorized\nrequest_id: ${rid}\n`],
    ['text/html;q=0.9, application/xml', 'application/xml; charset=utf-8',
      `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>Unauthorized</message>\n  <requestid>${rid}</requestid>\n</error>\n`],
    ['application/xml;q=0.2, text/html;q=0.8', 'text/html; charset=utf-8', 'html'],
    ['*/*', 'application/json; charset=utf-8', 'json'],
  ];
  for (const [accept, type, body] of cases) {
    const { ctx, kong } = testPdk({ headers: accept === undefined ? {} : { accept } });
    kong.response.error(401);
    assert.equal(ctx.exit?.contentType, type, String(accept));
    assert.equal(ctx.exit?.kind, 'error');
    if (body === 'html') assert.match(String(ctx.exit?.body), /<p>Unauthorized\.<\/p>\n    <p>request_id: f{32}<\/p>/);
    else if (body !== 'json') assert.equal(ctx.exit?.body, body);
  }
  const typed = testPdk({ headers: { accept: 'application/json' } });
  typed.kong.response.error(403, 'Go away', { 'Content-Type': 'text/plain' });
  assert.equal(typed.ctx.exit?.body, `Go away\nrequest_id: ${rid}\n`);
  const custom = testPdk();
  custom.kong.response.error(499);
  assert.match(String(custom.ctx.exit?.body), /"message":"The upstream server responded with 499"/);
  assert.throws(() => custom.kong.response.error(302), /between 400 and 599/);
  const grpc = testPdk({ headers: { 'content-type': 'application/grpc', accept: 'text/html' } });
  grpc.kong.response.error(429);
  assert.equal(grpc.ctx.exit?.body, '');
  assert.equal(grpc.kong.response.get_header('grpc-status'), '8');
  assert.equal(grpc.kong.response.get_header('grpc-message'), 'Too many requests');
});

test('kong.response headers and body_filter buffering with get_raw_body/set_raw_body', () => {
  const { ctx, kong } = testPdk({ phase: 'header_filter' });
  kong.response.set_header('X-Multi', 'a');
  kong.response.add_header('x-multi', 'b');
  assert.equal(kong.response.get_header('X-MULTI'), 'a');
  assert.deepEqual(kong.response.get_headers(), { 'x-multi': ['a', 'b'] });
  kong.response.clear_header('x-multi');
  assert.equal(kong.response.get_header('x-multi'), undefined);
  kong.response.set_status(418);
  assert.equal(kong.response.get_status(), 418);

  ctx.phase = 'body_filter';
  ctx.chunk = Buffer.from('hel');
  ctx.eof = false;
  assert.equal(kong.response.get_raw_body(), null);
  assert.equal(ctx.chunk, null, 'chunks are held back while buffering');
  ctx.chunk = Buffer.from('lo');
  ctx.eof = true;
  assert.equal(kong.response.get_raw_body()?.toString(), 'hello');
  kong.response.set_raw_body('HELLO');
  assert.equal(ctx.chunk?.toString(), 'HELLO');
  ctx.phase = 'access';
  assert.throws(() => kong.response.get_raw_body(), /cannot be called in the access phase/);
});

test('kong.service records upstream changes; set_upstream refuses unknown upstreams', () => {
  const { ctx, kong } = testPdk({ headers: { 'x-list': 'a', 'content-type': 'application/json' } });
  assert.deepEqual(kong.service.set_upstream('nope'), [null, "could not find an Upstream named 'nope'"]);
  assert.equal(kong.service.set_upstream('known-upstream'), true);
  kong.service.set_target('10.1.1.1', 9000);
  kong.service.request.set_header('X-Tenant', 't1');
  kong.service.request.add_header('x-list', 'b');
  kong.service.request.clear_header('Authorization');
  kong.service.request.set_query({ b: '2', a: ['1', 'x y'], flag: true });
  kong.service.request.set_method('put');
  kong.service.request.set_path('/new');
  kong.service.request.setBody({ k: 'v' });
  const upstream = ctx.upstream;
  assert.equal(upstream.upstreamName, 'known-upstream');
  assert.deepEqual([upstream.targetHost, upstream.targetPort], ['10.1.1.1', 9000]);
  assert.equal(upstream.headers.get('x-tenant'), 't1');
  assert.equal(upstream.names.get('x-tenant'), 'X-Tenant');
  assert.deepEqual(upstream.headers.get('x-list'), ['a', 'b']);
  assert.equal(upstream.headers.get('authorization'), null);
  assert.equal(upstream.rawQuery, 'a=1&a=x%20y&b=2&flag');
  assert.equal(upstream.method, 'PUT');
  assert.equal(upstream.path, '/new');
  assert.equal(upstream.body?.toString(), '{"k":"v"}');
  assert.throws(() => kong.service.request.set_path('relative'), /path must start with \//);
  assert.throws(() => kong.service.set_target('h', 70000), /port must be an integer/);
});

test('kong.client, kong.router, kong.node, kong.ctx and kong.log', async () => {
  const lines: string[] = [];
  const { ctx, kong } = testPdk({}, lines);
  assert.equal(kong.client.get_ip(), '10.0.0.1');
  assert.equal(kong.client.getForwardedIp(), '203.0.113.9');
  assert.throws(() => kong.client.authenticate(null, null), /either credential or consumer must be provided/);
  const consumer = await kong.client.load_consumer('c1');
  kong.client.authenticate(consumer, { id: 'cred' });
  assert.equal(kong.client.get_consumer()?.id, 'c1');
  assert.equal(ctx.consumer?.id, 'c1');
  assert.equal(await kong.client.load_consumer('zz'), null);
  assert.equal(kong.router.get_route(), null);
  assert.equal(kong.node.get_id(), 'node-1');
  assert.equal(kong.node.getHostname(), 'host-1');
  assert.equal(kong.version, '3.10.0');
  assert.equal(kong.version_num, 3010000);
  kong.ctx.shared.x = 1;
  kong.ctx.plugin.y = 2;
  assert.equal(ctx.shared.x, 1);
  assert.deepEqual(ctx.pluginContext('test'), { y: 2 });
  kong.log.err('failed ', 3, ' times');
  const entry = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  assert.deepEqual([entry.level, entry.msg, entry.plugin, entry.request_id], ['error', 'failed 3 times', 'test', 'f'.repeat(32)]);
});
