// Kong's eight plugin scoping levels through the real proxy, with the consumer set by a test
// authentication plugin (kong.client.authenticate) before the scoped plugin's config is looked up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Consumer } from '../../src/entities/types.ts';
import { definePlugin, type AnyPluginDefinition } from '../../src/pdk/index.ts';
import { pluginRow } from '../../src/pipeline/index.ts';
import { entitySet, route, service } from '../helpers/proxy-entities.ts';
import { startUpstream, type Upstream } from '../helpers/loopback-upstream.ts';
import { startProxyWithPlugins, type PluginProxyHarness } from '../helpers/proxy-harness.ts';

function consumer(username: string): Consumer {
  return { id: randomUUID(), created_at: 1, updated_at: 1, username, custom_id: null, tags: null };
}

/** Authenticates the consumer named by `X-User` (priority above the scoped plugin, like key-auth). */
const testAuth = definePlugin({
  name: 'test-auth', version: '1.0.0', priority: 1250,
  schema: { config: { type: 'record', fields: {} } },
  async access(kong) {
    const name = kong.request.get_header('x-user');
    if (name === undefined) return undefined;
    const found = await kong.client.load_consumer(name, true);
    if (found === null) return kong.response.error(401);
    kong.client.authenticate(found, { id: `credential-of-${name}` });
    return undefined;
  },
}) as AnyPluginDefinition;

/** Reports which of its configs ran. */
const scoped = definePlugin({
  name: 'scoped', version: '1.0.0', priority: 800,
  schema: { config: { type: 'record', fields: { level: { type: 'string' } } } },
  access(kong, conf) { kong.response.set_header('X-Scope', String(conf.level)); },
}) as AnyPluginDefinition;

describe('plugin scoping precedence (8 levels)', () => {
  let upstream: Upstream;
  let proxy: PluginProxyHarness;

  before(async () => {
    upstream = await startUpstream();
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map(() => service({ port: upstream.port }));
    const r1 = route({ service: s1!, paths: ['/r1'] });
    const r2 = route({ service: s1!, paths: ['/r2'] });
    const r3 = route({ service: s2!, paths: ['/r3'] });
    const r4 = route({ service: s3!, paths: ['/r4'] });
    const r5 = route({ service: s3!, paths: ['/r5'] });
    const r6 = route({ service: s4!, paths: ['/r6'] });
    const [alice, bob, carol] = [consumer('alice'), consumer('bob'), consumer('carol')];
    const rows = [
      pluginRow('test-auth', {}),
      pluginRow('scoped', { level: 'route+service+consumer' }, { route: r1.id, service: s1!.id, consumer: alice.id }),
      pluginRow('scoped', { level: 'route+consumer' }, { route: r2.id, consumer: alice.id }),
      pluginRow('scoped', { level: 'service+consumer' }, { service: s2!.id, consumer: alice.id }),
      pluginRow('scoped', { level: 'route+service' }, { route: r1.id, service: s1!.id }),
      pluginRow('scoped', { level: 'consumer' }, { consumer: carol.id }),
      pluginRow('scoped', { level: 'route' }, { route: r5.id }),
      pluginRow('scoped', { level: 'service' }, { service: s2!.id }),
      pluginRow('scoped', { level: 'global' }),
    ];
    proxy = await startProxyWithPlugins(entitySet({
      services: [s1!, s2!, s3!, s4!], routes: [r1, r2, r3, r4, r5, r6], consumers: [alice, bob, carol], plugins: rows,
    }), [testAuth, scoped]);
  });
  after(async () => { await proxy.close(); await upstream.close(); });

  const cases: Array<[path: string, user: string | null, level: string]> = [
    ['/r1', 'alice', 'route+service+consumer'],
    ['/r2', 'alice', 'route+consumer'],
    ['/r3', 'alice', 'service+consumer'],
    ['/r1', 'bob', 'route+service'],
    ['/r4', 'carol', 'consumer'],
    ['/r5', 'carol', 'consumer'],
    ['/r5', null, 'route'],
    ['/r3', null, 'service'],
    ['/r3', 'bob', 'service'],
    ['/r6', null, 'global'],
    ['/r4', 'bob', 'global'],
  ];
  for (const [path, user, level] of cases) {
    it(`${path} as ${user ?? 'anonymous'} runs the ${level} config`, async () => {
      const res = await fetch(`${proxy.url}${path}`, { headers: user === null ? {} : { 'X-User': user } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      assert.equal(res.headers.get('x-scope'), level);
    });
  }

  it('rejects an unknown consumer before the scoped plugin runs', async () => {
    const res = await fetch(`${proxy.url}/r1`, { headers: { 'X-User': 'mallory' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-scope'), null);
    assert.equal((await res.json() as { message: string }).message, 'Unauthorized');
  });
});
