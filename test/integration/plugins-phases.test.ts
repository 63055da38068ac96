// The plugin pipeline through the real proxy: phase order and priorities, rewrite only for
// global plugins, globals on a no-route 404, short circuits that still run header_filter/log,
// a throwing plugin (500, then the worker keeps serving), and the passthrough path without plugins.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin, type AnyPluginDefinition } from '../../src/pdk/index.ts';
import { pluginRow } from '../../src/pipeline/index.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { closedPort, startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

const TAG_SCHEMA = { config: { type: 'record', fields: { tag: { type: 'string' } } } } as const;

/** Logged phases, in the order they ran: `<plugin>:<phase>`. */
const events: string[] = [];

function tracer(name: string, priority: number): AnyPluginDefinition {
  return definePlugin({
    name, version: '1.0.0', priority, schema: TAG_SCHEMA,
    rewrite(kong) { kong.service.request.add_header('X-Rewrite', name); },
    access(kong) {
      kong.service.request.add_header('X-Access', name);
      kong.response.add_header('X-Access-Seen', name);
    },
    header_filter(kong) { kong.response.add_header('X-Header-Filter', name); },
    log() { events.push(`${name}:log`); },
  }) as AnyPluginDefinition;
}

const stopper = definePlugin({
  name: 'stopper', version: '1.0.0', priority: 1500, schema: TAG_SCHEMA,
  access(kong) {
    if (kong.request.get_header('x-stop') !== undefined) return kong.response.exit(403, { message: 'stopped here' }, { 'X-Stopped-By': 'stopper' });
    if (kong.request.get_header('x-error') !== undefined) return kong.response.error(401);
    return undefined;
  },
}) as AnyPluginDefinition;

const thrower = definePlugin({
  name: 'thrower', version: '1.0.0', priority: 1400, schema: TAG_SCHEMA,
  access(kong) {
    if (kong.request.get_header('x-throw') !== undefined) throw new Error('boom from the plugin');
  },
  header_filter(kong) {
    if (kong.request.get_header('x-throw-late') !== undefined) throw new Error('late boom');
  },
}) as AnyPluginDefinition;

describe('plugin phases through the proxy', () => {
  let upstream: Upstream;
  let proxy: PluginProxyHarness;

  before(async () => {
    upstream = await startUpstream();
    const svc = service({ port: upstream.port });
    const main = route({ service: svc, paths: ['/main'] });
    const serviceless = route({ service: null, paths: ['/serviceless'] });
    const httpsOnly = route({ service: svc, paths: ['/secure'], protocols: ['https'] });
    const down = service({ port: await closedPort(), retries: 0 });
    const entities = entitySet({
      services: [svc, down], routes: [main, serviceless, httpsOnly, route({ service: down, paths: ['/down'] })],
      plugins: [
        pluginRow('first', {}), pluginRow('second', {}), pluginRow('route-only', {}, { route: main.id }),
        pluginRow('stopper', {}), pluginRow('thrower', {}),
      ],
    });
    proxy = await startProxyWithPlugins(entities, [tracer('second', 1000), tracer('first', 2000), tracer('route-only', 1500), stopper, thrower]);
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  it('runs rewrite for global plugins only and every phase by priority', async () => {
    events.length = 0;
    const res = await fetch(`${proxy.url}/main/x`);
    assert.equal(res.status, 200);
    const seen = (await res.json() as { headers: Record<string, string> }).headers;
    assert.equal(seen['x-rewrite'], 'first, second');
    assert.equal(seen['x-access'], 'first, route-only, second');
    assert.equal(res.headers.get('x-header-filter'), 'first, route-only, second');
    await waitFor(() => events.length === 3);
    assert.deepEqual(events, ['first:log', 'route-only:log', 'second:log']);
  });

  it('answers no route with Kong 404 and still runs the global plugins after it', async () => {
    events.length = 0;
    const before = upstream.requests.length;
    const res = await fetch(`${proxy.url}/nothing-here`);
    assert.equal(res.status, 404);
    const body = await res.json() as { message: string; request_id: string };
    assert.equal(body.message, 'no Route matched with those values');
    assert.equal(body.request_id, res.headers.get('x-kong-request-id'));
    assert.equal(res.headers.get('x-header-filter'), 'first, second');
    await waitFor(() => events.length === 2);
    assert.deepEqual(events, ['first:log', 'second:log']);
    assert.equal(upstream.requests.length, before);
  });

  it('refuses an https-only route with 426 through header_filter, and a serviceless one with 503', async () => {
    const secure = await fetch(`${proxy.url}/secure`);
    assert.equal(secure.status, 426);
    assert.deepEqual(await secure.json(), { message: 'Please use HTTPS protocol' });
    assert.equal(secure.headers.get('upgrade'), 'TLS/1.2, HTTP/1.1');
    assert.equal(secure.headers.get('x-header-filter'), 'first, second');
    const serviceless = await fetch(`${proxy.url}/serviceless`);
    assert.equal(serviceless.status, 503);
    assert.deepEqual(await serviceless.json(), { message: 'no Service found with those values' });
    assert.equal(serviceless.headers.get('x-header-filter'), 'first, second');
  });

  it('answers an unreachable upstream with the 502 error page through header_filter and log', async () => {
    events.length = 0;
    const res = await fetch(`${proxy.url}/down`, { headers: { Accept: 'text/html' } });
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await res.text(), /<p>An invalid response was received from the upstream server\.<\/p>/);
    assert.equal(res.headers.get('x-header-filter'), 'first, second');
    await waitFor(() => events.length === 2);
  });

  it('short-circuits access; header_filter and log still run, later access handlers do not', async () => {
    events.length = 0;
    const before = upstream.requests.length;
    const res = await fetch(`${proxy.url}/main/x`, { headers: { 'X-Stop': '1' } });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { message: 'stopped here' });
    assert.equal(res.headers.get('x-stopped-by'), 'stopper');
    // stopper (1500) runs after first (2000) and before route-only (1500, name-ordered) and second.
    assert.equal(res.headers.get('x-access-seen'), 'first');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('x-header-filter'), 'first, route-only, second');
    assert.equal(res.headers.get('server'), 'kong/3.10.0');
    assert.match(res.headers.get('x-kong-response-latency') ?? '', /^\d+$/);
    await waitFor(() => events.length === 3);
    assert.equal(upstream.requests.length, before);
  });

  it('renders kong.response.error with the Accept-chosen template', async () => {
    const res = await fetch(`${proxy.url}/main/x`, { headers: { 'X-Error': '1', Accept: 'text/plain' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), `Unauthorized\nrequest_id: ${res.headers.get('x-kong-request-id')}\n`);
  });

  it('turns a throwing access handler into Kong 500 with a log line naming the plugin; the next request is fine', async () => {
    const failed = await fetch(`${proxy.url}/main/x`, { headers: { 'X-Throw': '1' } });
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { message: 'An unexpected error occurred' });
    assert.ok(proxy.logLines.some((line) => line.includes('[thrower] access failed: boom from the plugin')), proxy.logLines.join('\n'));
    const next = await fetch(`${proxy.url}/main/x`);
    assert.equal(next.status, 200);
    await next.arrayBuffer();
  });

  it('turns a throwing header_filter into the 500 error template instead of the upstream response', async () => {
    const failed = await fetch(`${proxy.url}/main/x`, { headers: { 'X-Throw-Late': '1' } });
    assert.equal(failed.status, 500);
    const body = await failed.json() as { message: string; request_id: string };
    assert.equal(body.message, 'An unexpected error occurred');
    assert.match(body.request_id, /^[0-9a-f]{32}$/);
    assert.ok(proxy.logLines.some((line) => line.includes('[thrower] header_filter failed: late boom')));
    const next = await fetch(`${proxy.url}/main/x`);
    assert.equal(next.status, 200);
    await next.arrayBuffer();
  });
});

describe('plugin-free snapshot', () => {
  it('keeps the passthrough path: no plugin header, no plugin run', async () => {
    const upstream = await startUpstream();
    const svc = service({ port: upstream.port });
    const proxy = await startProxyWithPlugins(entitySet({ services: [svc], routes: [route({ service: svc, paths: ['/p'] })] }), [tracer('idle', 10)]);
    try {
      assert.equal(proxy.snapshot.plugins.empty, true);
      const res = await fetch(`${proxy.url}/p`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-header-filter'), null);
      const seen = (await res.json() as { headers: Record<string, string> }).headers;
      assert.equal(seen['x-access'], undefined);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
