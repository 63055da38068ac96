import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidV5 } from '../../core/ids.ts';
import { createMemoryStore } from '../memory/index.ts';
import { DECLARATIVE_ROOT_NAMESPACE, EMPTY_CONFIG_HASH, loadDeclarative, md5Hex } from './index.ts';
import {
  SPEC_EXAMPLE, SPEC_EXAMPLE_NO_PLUGINS, SPEC_EXAMPLE_TEST_PLUGINS, TEST_PLUGIN, loadError,
} from './test-fixtures.ts';

const kongId = (table: string, name: string): string => uuidV5(name, uuidV5(table, DECLARATIVE_ROOT_NAMESPACE));
const byName = <T extends { name: string | null }>(rows: T[], name: string): T => rows.find((r) => r.name === name)!;

describe('loadDeclarative: the spec example', () => {
  it('reports every plugin the node does not have as not enabled, at its position', () => {
    const err = loadError(() => loadDeclarative(SPEC_EXAMPLE));
    assert.equal(err.code, 14);
    assert.equal(err.status, 400);
    const notEnabled = (name: string) => ({ name: `plugin '${name}' not enabled; add it to the 'plugins' configuration property` });
    const fields = err.fields as Record<string, any>;
    assert.deepEqual(fields.services[0].plugins, [notEnabled('key-auth')]);
    assert.deepEqual(fields.services[0].routes, [{ plugins: [notEnabled('rate-limiting')] }]);
    assert.deepEqual(fields.consumers, [{ plugins: [notEnabled('rate-limiting')] }]);
    assert.deepEqual(fields.plugins, [notEnabled('correlation-id'), notEnabled('acl'), notEnabled('request-termination')]);
    assert.deepEqual(Object.keys(fields).sort(), ['consumers', 'plugins', 'services']);
    assert.match(err.message, /^declarative config is invalid: \{consumers=\{\{plugins=\{\{name="plugin 'rate-limiting' not enabled/);
  });

  it('loads the plugin-free variant with resolved references and deterministic ids', () => {
    const { entities, formatVersion, hash, transform } = loadDeclarative(SPEC_EXAMPLE_NO_PLUGINS);
    assert.equal(formatVersion, '3.0');
    assert.equal(transform, true);
    assert.equal(hash, md5Hex(SPEC_EXAMPLE_NO_PLUGINS));
    const orders = byName(entities.services, 'orders');
    assert.equal(orders.id, kongId('services', 'orders'));
    assert.deepEqual([orders.protocol, orders.host, orders.port, orders.path, orders.retries], ['http', 'orders.internal', 8080, '/v1', 3]);
    const billing = byName(entities.services, 'billing');
    assert.deepEqual(byName(entities.routes, 'orders-api').service, { id: orders.id });
    assert.deepEqual(byName(entities.routes, 'invoice-by-id').service, { id: billing.id });
    const upstream = entities.upstreams[0]!;
    assert.equal(upstream.id, kongId('upstreams', 'billing-upstream'));
    assert.equal(entities.targets.length, 2);
    for (const target of entities.targets) {
      assert.deepEqual(target.upstream, { id: upstream.id });
      assert.equal(target.id, kongId('targets', `targets:*:${upstream.id}:${target.target}`));
    }
    assert.equal(entities.consumers[0]!.id, kongId('consumers', 'alice'));
    assert.equal(entities.certificates.length, 1);
    assert.deepEqual(entities.snis.map((s) => [s.name, s.certificate.id]), [['billing.example.com', entities.certificates[0]!.id]]);
  });

  it('loads plugins at every nesting level with the parent foreign keys and cache-key ids', () => {
    const { entities } = loadDeclarative(SPEC_EXAMPLE_TEST_PLUGINS);
    const service = (name: string) => byName(entities.services, name).id;
    const route = byName(entities.routes, 'orders-api').id;
    const consumer = entities.consumers[0]!.id;
    const scopes = entities.plugins.map((p) => [p.route?.id ?? null, p.service?.id ?? null, p.consumer?.id ?? null]);
    assert.deepEqual(scopes.sort(), [
      [null, null, null],
      [null, null, consumer],
      [null, service('billing'), consumer],
      [null, service('orders'), null],
      [null, service('orders'), null],
      [route, null, null],
    ].sort());
    // nested under a route: the parent id fills the route part of the cache key
    const onRoute = entities.plugins.find((p) => p.route?.id === route)!;
    assert.equal(onRoute.id, kongId('plugins', `plugins:*:${TEST_PLUGIN}:${route}::`));
    // top level: the reference is used as written (here a name), as Kong does
    const twoParents = entities.plugins.find((p) => p.consumer && p.service)!;
    assert.equal(twoParents.id, kongId('plugins', `plugins:*:${TEST_PLUGIN}::billing:alice`));
  });

  it('produces a set the memory store accepts', async () => {
    const { entities } = loadDeclarative(SPEC_EXAMPLE_TEST_PLUGINS);
    const store = createMemoryStore(entities);
    assert.equal((await store.all('plugins')).length, 6);
    assert.equal((await store.selectByUnique('services', 'name', 'orders'))!.id, kongId('services', 'orders'));
  });
});

describe('loadDeclarative: input forms and ids', () => {
  const nested = `_format_version: "3.0"
services:
  - name: svc
    host: example.test
    routes:
      - name: r1
        paths: [/a]
      - paths: [/unnamed]
upstreams:
  - name: up
    targets:
      - target: a.test
`;
  const flat = `_format_version: "3.0"
services:
  - name: svc
    host: example.test
routes:
  - name: r1
    paths: [/a]
    service: svc
upstreams:
  - name: up
targets:
  - target: a.test
    upstream: up
`;

  it('gives nested and flat declarations the same rows (named entities, same ids)', () => {
    const a = loadDeclarative(nested).entities;
    const b = loadDeclarative(flat).entities;
    const strip = <T extends { name: string | null; created_at: number; updated_at: number }>(rows: T[]) =>
      rows.filter((r) => r.name !== null).map(({ created_at: _c, updated_at: _u, ...rest }) => rest);
    assert.deepEqual(strip(a.services), strip(b.services));
    assert.deepEqual(strip(a.routes), strip(b.routes));
    assert.deepEqual(strip(a.upstreams), strip(b.upstreams));
    assert.equal(a.targets[0]!.target, 'a.test:8000');
    assert.deepEqual(a.targets[0]!.upstream, b.targets[0]!.upstream);
  });

  it('keeps ids across loads except for entities with neither cache key nor endpoint key', () => {
    const first = loadDeclarative(nested).entities;
    const second = loadDeclarative(nested).entities;
    assert.equal(first.services[0]!.id, second.services[0]!.id);
    assert.equal(byName(first.routes, 'r1').id, byName(second.routes, 'r1').id);
    assert.equal(first.targets[0]!.id, second.targets[0]!.id);
    const unnamed = (rows: Array<{ name: string | null; id: string }>) => rows.find((r) => r.name === null)!.id;
    assert.notEqual(unnamed(first.routes), unnamed(second.routes));
  });

  it('keeps an explicit id and lets references use it', () => {
    const id = '9748f662-7711-4a90-8186-dc02f10eb0f5';
    const { entities } = loadDeclarative({
      _format_version: '3.0',
      services: [{ id, host: 'example.test' }],
      routes: [{ name: 'r', paths: ['/'], service: id }],
    });
    assert.equal(entities.services[0]!.id, id);
    assert.deepEqual(entities.routes[0]!.service, { id });
  });

  it('accepts JSON text and objects like YAML, hashing each as Kong does', () => {
    const object = { _format_version: '3.0', consumers: [{ username: 'bob' }] };
    const text = JSON.stringify(object, null, 2);
    const fromText = loadDeclarative(text);
    const fromObject = loadDeclarative(object);
    const fromYaml = loadDeclarative('_format_version: "3.0"\nconsumers:\n  - username: bob\n');
    assert.equal(fromText.entities.consumers[0]!.id, fromObject.entities.consumers[0]!.id);
    assert.equal(fromYaml.entities.consumers[0]!.id, fromObject.entities.consumers[0]!.id);
    assert.equal(fromText.hash, md5Hex(text));
    assert.equal(fromObject.hash, md5Hex(JSON.stringify(object)));
    assert.notEqual(fromText.hash, fromYaml.hash);
  });

  it('hashes an empty configuration as 32 zeros and ignores comments', () => {
    const result = loadDeclarative('_format_version: "3.0"\n_comment: nothing here\n_ignore: [1, {a: b}]\n');
    assert.equal(result.hash, EMPTY_CONFIG_HASH);
    assert.deepEqual(result.entities.services, []);
    const withComments = loadDeclarative({
      _format_version: '3.0',
      services: [{ name: 's', host: 'h.test', _comment: 'why', _ignore: ['anything'], routes: [{ paths: ['/'], _comment: 'x' }] }],
    });
    assert.equal(withComments.entities.services[0]!.name, 's');
    assert.equal(withComments.entities.routes.length, 1);
  });

  it('migrates 1.1 and 2.1 route paths: regexes get ~, plain paths are normalised', () => {
    for (const version of ['1.1', '2.1']) {
      const { entities, formatVersion } = loadDeclarative({
        _format_version: version,
        services: [{ name: 's', host: 'h.test', routes: [{ name: 'nested', paths: ['/users/\\d+', '/a/%7Eb//c'] }] }],
        routes: [{ name: 'top', paths: ['/plain', '/v[12]/x'] }],
      });
      assert.equal(formatVersion, version);
      assert.deepEqual(byName(entities.routes, 'nested').paths, ['~/users/\\d+', '/a/~b/c']);
      assert.deepEqual(byName(entities.routes, 'top').paths, ['/plain', '~/v[12]/x']);
    }
    const modern = loadDeclarative({ _format_version: '3.0', routes: [{ name: 'm', paths: ['~/v[12]/x', '/plain'] }] });
    assert.deepEqual(modern.entities.routes[0]!.paths, ['~/v[12]/x', '/plain']);
    const legacyRegexIn3 = loadError(() => loadDeclarative({ _format_version: '3.0', routes: [{ paths: ['/v[12]/x'] }] }));
    assert.match(String((legacyRegexIn3.fields as any).routes[0].paths), /invalid path: '\/v\[12\]\/x'/);
  });

  it('rejects an enabled-plugins list that lacks a plugin', () => {
    const config = { _format_version: '3.0', plugins: [{ name: TEST_PLUGIN }] };
    assert.equal(loadDeclarative(config, { pluginNames: [TEST_PLUGIN] }).entities.plugins.length, 1);
    const err = loadError(() => loadDeclarative(config, { pluginNames: ['cors'] }));
    assert.deepEqual(err.fields, { plugins: [{ name: `plugin '${TEST_PLUGIN}' not enabled; add it to the 'plugins' configuration property` }] });
  });
});
