import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineEntity, entityDefinitions, registerEntityDefinition, registerPluginSchema } from '../../entities/index.ts';
import type { Consumer } from '../../entities/types.ts';
import { definePlugin } from '../../pdk/index.ts';
import { createPluginHarness, pluginRow } from '../../pipeline/index.ts';
import { makeRoute, makeService } from '../../router/test-fixtures.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import { acls } from './daos.ts';
import { plugin } from './handler.ts';

const service = makeService({ name: 'svc' });
const route = makeRoute({ name: 'r', paths: ['/'], service: { id: service.id } });
registerEntityDefinition(defineEntity(acls));
registerPluginSchema(plugin.name, plugin.schema);
const aclDefinition = defineEntity(acls);
const consumerRow = (username: string) => entityDefinitions.consumers.validate({ username }, 'insert');
const alice = consumerRow('alice');
const loner = consumerRow('loner');

/** A stand-in auth plugin (priority above acl): `x-user` picks the consumer, `x-groups` sets authenticated_groups. */
const testAuth = definePlugin({
  name: 'test-auth', version: '1.0.0', priority: 1000, schema: { config: { type: 'record', fields: {} } },
  access(kong) {
    const user = kong.request.get_header('x-user');
    const consumer = [alice, loner].find((row) => row.username === user) as unknown as Consumer | undefined;
    if (consumer !== undefined) kong.client.authenticate(consumer, { id: 'cred-1', consumer: { id: consumer.id } });
    else if (kong.request.get_header('x-credential') !== undefined) kong.client.authenticate(null, { id: 'cred-2' });
    const groups = kong.request.get_header('x-groups');
    if (groups !== undefined) kong.ctx.shared.authenticated_groups = groups.split(',');
  },
});

async function setup(config: Record<string, unknown>) {
  const store = createMemoryStore();
  await store.insert('consumers', alice);
  await store.insert('consumers', loner);
  for (const group of ['admins', 'staff']) await store.insert('acls', aclDefinition.validate({ consumer: { id: alice.id }, group }, 'insert'));
  const conf = entityDefinitions.plugins.validate({ name: 'acl', config }, 'insert').config as Record<string, unknown>;
  const harness = await createPluginHarness({
    plugins: [testAuth, plugin], rows: [pluginRow('test-auth', {}), pluginRow('acl', conf, { route: route.id })], db: store,
  });
  return { store, harness, send: (headers: Record<string, string>) => harness.request({ route, service, headers }) };
}

test('allow: a member passes with X-Consumer-Groups; a non-member gets 403', async () => {
  const { send } = await setup({ allow: ['admins'] });
  const ok = await send({ 'x-user': 'alice' });
  assert.equal(ok.proxied, true);
  // All the consumer's groups, `, `-joined, in store order (primary key order, as Kong's DAO).
  assert.deepEqual(String(ok.ctx.upstream.headers.get('x-consumer-groups')).split(', ').sort(), ['admins', 'staff']);
  const other = await setup({ allow: ['ops'] });
  const denied = await other.send({ 'x-user': 'alice' });
  assert.equal(denied.status, 403);
  assert.equal(JSON.parse(denied.body).message, 'You cannot consume this service');
});

test('deny: a listed group is 403, others pass; a consumer without groups passes in deny mode', async () => {
  const { send } = await setup({ deny: ['staff'] });
  assert.equal((await send({ 'x-user': 'alice' })).status, 403);
  const loose = await setup({ deny: ['ops'], hide_groups_header: true });
  const ok = await loose.send({ 'x-user': 'alice' });
  assert.equal(ok.proxied, true);
  assert.equal(ok.ctx.upstream.headers.get('x-consumer-groups'), undefined, 'hide_groups_header');
  assert.equal((await loose.send({ 'x-user': 'loner' })).proxied, true);
});

test('no consumer: 401 without a credential, 403 with one; consumer without groups in allow mode is 403', async () => {
  const { send } = await setup({ allow: ['admins'] });
  const anonymous = await send({});
  assert.equal(anonymous.status, 401);
  assert.equal(JSON.parse(anonymous.body).message, 'Unauthorized');
  assert.equal((await send({ 'x-credential': '1' })).status, 403);
  assert.equal((await send({ 'x-user': 'loner' })).status, 403);
});

test('authenticated_groups are used without a consumer, or always with always_use_authenticated_groups', async () => {
  const { send } = await setup({ allow: ['ops'] });
  const ok = await send({ 'x-groups': 'ops,dev' });
  assert.equal(ok.proxied, true);
  assert.equal(ok.ctx.upstream.headers.get('x-authenticated-groups'), 'ops, dev');
  assert.equal((await send({ 'x-groups': 'dev' })).status, 403);
  assert.equal((await send({ 'x-user': 'alice', 'x-groups': 'ops' })).status, 403, 'the consumer groups win by default');
  const always = await setup({ allow: ['ops'], always_use_authenticated_groups: true });
  assert.equal((await always.send({ 'x-user': 'alice', 'x-groups': 'ops' })).proxied, true);
});

test('group changes take effect once the acls cache entries are invalidated', async () => {
  const { send, store, harness } = await setup({ allow: ['ops'] });
  assert.equal((await send({ 'x-user': 'alice' })).status, 403);
  await store.insert('acls', aclDefinition.validate({ consumer: { id: alice.id }, group: 'ops' }, 'insert'));
  harness.environment.cache.invalidateTables(['acls']);
  assert.equal((await send({ 'x-user': 'alice' })).proxied, true);
});

test("schema: exactly one of allow/deny with Kong's messages; acls entity", () => {
  const plugins = entityDefinitions.plugins;
  const fieldsOf = (config: Record<string, unknown>): unknown => {
    try {
      plugins.validate({ name: 'acl', config }, 'insert');
    } catch (error) {
      return (error as { fields?: unknown }).fields;
    }
    return null;
  };
  // Kong's only_one_of also fails when none is set, so an empty config gets both lines.
  assert.deepEqual(fieldsOf({}), { '@entity': [
    "exactly one of these fields must be non-empty: 'config.allow', 'config.deny'",
    "at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
  ] });
  assert.deepEqual(fieldsOf({ allow: ['a'], deny: ['b'] }), { '@entity': ["exactly one of these fields must be non-empty: 'config.allow', 'config.deny'"] });
  assert.equal(fieldsOf({ allow: ['a'] }), null);
  assert.deepEqual(aclDefinition.cacheKey, ['consumer', 'group']);
  assert.throws(() => aclDefinition.validate({ consumer: { id: alice.id } }, 'insert'), /required field missing/);
});
