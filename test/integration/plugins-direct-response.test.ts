// When no plugin filters the response (only access and log handlers, as auth, rate limiting and
// the loggers have), the proxy writes the upstream's head itself (pipeline beginDirectResponse):
// headers set in access still reach the client over the upstream's, and the log phase still
// sees the response as sent, the upstream's own headers and the status.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin, type AnyPluginDefinition } from '../../src/pdk/index.ts';
import { pluginRow } from '../../src/pipeline/index.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { send, startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

const EMPTY = { config: { type: 'record', fields: {} } } as const;
const seen: Array<Record<string, unknown>> = [];

const setter = definePlugin({
  name: 'set-in-access', version: '1.0.0', priority: 900, schema: EMPTY,
  access(kong) {
    kong.response.set_header('X-Limit-Test', '10');
    kong.response.set_header('x-upstream-said', 'plugin'); // the upstream sends it too: the plugin's wins
    kong.response.set_header('X-Case', 'Plugin');
  },
}) as AnyPluginDefinition;

const logger = definePlugin({
  name: 'log-reader', version: '1.0.0', priority: 5, schema: EMPTY,
  log(kong) {
    seen.push({
      status: kong.response.get_status(),
      sent: kong.response.get_headers(),
      upstream: kong.service.response.get_headers(),
      upstreamStatus: kong.service.response.get_status(),
    });
  },
}) as AnyPluginDefinition;

describe('a response no plugin filters', () => {
  let upstream: Upstream;
  let proxy: PluginProxyHarness;

  before(async () => {
    upstream = await startUpstream((_req, res) => {
      res.writeHead(201, { 'X-Upstream-Said': 'upstream', 'x-case': 'upstream', 'Content-Type': 'text/plain', 'X-Only-Upstream': 'kept' });
      res.end('made');
    });
    const svc = service({ port: upstream.port });
    const withSetter = route({ service: svc, paths: ['/set'] });
    const logOnly = route({ service: svc, paths: ['/log'] });
    proxy = await startProxyWithPlugins(entitySet({
      services: [svc], routes: [withSetter, logOnly],
      plugins: [pluginRow('set-in-access', {}, { route: withSetter.id }), pluginRow('log-reader', {})],
    }), [setter, logger]);
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('sends the upstream head with the headers plugins set in access written over it', async () => {
    seen.length = 0;
    const res = await send(proxy.port, '/set');
    assert.equal(res.status, 201);
    assert.equal(res.body, 'made');
    assert.equal(res.headers['x-limit-test'], '10');
    assert.equal(res.headers['x-upstream-said'], 'plugin');
    assert.equal(res.headers['x-case'], 'Plugin');
    assert.equal(res.headers['x-only-upstream'], 'kept');
    assert.ok(res.headers['x-kong-request-id'], 'the gateway headers are there');
    const raw = res.rawHeaders.filter((_, index) => index % 2 === 0);
    assert.ok(raw.includes('X-Limit-Test'), `the plugin's spelling goes out: ${raw.join(',')}`);
    assert.equal(raw.filter((name) => name.toLowerCase() === 'x-case').length, 1, 'one x-case line, not two');
  });

  it('lets the log phase read the response as sent and the upstream response as received', async () => {
    seen.length = 0;
    await send(proxy.port, '/set');
    await waitFor(() => seen.length === 1);
    const entry = seen[0]!;
    assert.equal(entry.status, 201);
    assert.equal(entry.upstreamStatus, 201);
    const sent = entry.sent as Record<string, string>;
    assert.equal(sent['x-limit-test'], '10');
    assert.equal(sent['x-upstream-said'], 'plugin');
    assert.equal(sent['x-case'], 'Plugin');
    const fromUpstream = entry.upstream as Record<string, string>;
    assert.equal(fromUpstream['x-upstream-said'], 'upstream', 'kong.service.response keeps the upstream value');
    assert.equal(fromUpstream['x-case'], 'upstream');
    assert.equal(fromUpstream['x-limit-test'], undefined, 'a plugin-only header is not the upstream\'s');
    assert.equal(fromUpstream['x-only-upstream'], 'kept');
  });

  it('passes the upstream head untouched when plugins set nothing', async () => {
    seen.length = 0;
    const res = await send(proxy.port, '/log');
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-upstream-said'], 'upstream');
    assert.equal(res.headers['x-limit-test'], undefined);
    await waitFor(() => seen.length === 1);
    assert.equal((seen[0]!.sent as Record<string, string>)['x-case'], 'upstream');
    assert.equal((seen[0]!.upstream as Record<string, string>)['x-case'], 'upstream');
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the log phase');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
