import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkPluginProtocols, entityDefinitions, getPluginSchema, pluginSchemaJson, registerPluginSchema, unregisterPluginSchema,
} from './index.ts';
import { errorBody } from './test-helpers.ts';

const { consumers, plugins } = entityDefinitions;
const ROUTE_ID = '7d3c2b1a-0f9e-4d8c-8b7a-6a5b4c3d2e1f';

// Names are unique to this file so parallel test files cannot collide in the registry.
registerPluginSchema('test-limiter', {
  config: {
    type: 'record',
    fields: {
      minute: { type: 'number', gt: 0 },
      policy: { type: 'string', default: 'local', one_of: ['local', 'redis'] },
      redis: {
        type: 'record', required: true,
        fields: { host: { type: 'string' }, port: { type: 'integer', default: 6379, between: [0, 65535] } },
      },
    },
    entity_checks: [{ at_least_one_of: ['minute'] }],
  },
  entity_checks: [{
    conditional: {
      if_field: 'config.policy', if_match: { one_of: ['redis'] },
      then_field: 'config.redis.host', then_match: { required: true },
    },
  }],
});
registerPluginSchema('test-auth', {
  config: { type: 'record', fields: { key_names: { type: 'array', elements: { type: 'string' }, default: ['apikey'] } } },
  no_consumer: true,
  protocols: ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss'],
});

test('consumers need a username or custom_id', () => {
  assert.deepEqual(errorBody(consumers, {}), {
    code: 2, name: 'schema violation',
    message: "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
    fields: { '@entity': ["at least one of these fields must be non-empty: 'custom_id', 'username'"] },
  });
  const row = consumers.validate({ username: 'bob', tags: ['a', 'a', 'b'] }, 'insert');
  assert.deepEqual(Object.keys(row), ['id', 'created_at', 'updated_at', 'username', 'custom_id', 'tags']);
  assert.equal(row.custom_id, null);
  assert.deepEqual(row.tags, ['a', 'b']);
  assert.deepEqual(errorBody(consumers, { username: 'bob', tags: ['ok', 'no/slash'] }).fields, {
    tags: [null, "invalid tag 'no/slash': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"],
  });
  assert.deepEqual(errorBody(consumers, { username: 7 }).fields, { username: 'expected a string' });
});

test('consumer metadata for the store and Admin API', () => {
  assert.equal(consumers.endpointKey, 'username');
  assert.deepEqual(consumers.uniqueFields, ['id', 'username', 'custom_id']);
  assert.equal(consumers.hasTags, true);
});

test('unknown plugin is not enabled; name is required', () => {
  assert.deepEqual(errorBody(plugins, { name: 'nope-plugin' }), {
    code: 2, name: 'schema violation',
    message: "schema violation (name: plugin 'nope-plugin' not enabled; add it to the 'plugins' configuration property)",
    fields: { name: "plugin 'nope-plugin' not enabled; add it to the 'plugins' configuration property" },
  });
  assert.deepEqual(errorBody(plugins, {}).fields, { name: 'required field missing' });
});

test('plugin config defaults are filled and protocols default', () => {
  const row = plugins.validate({ name: 'test-limiter', config: { minute: 5 }, route: { id: ROUTE_ID } }, 'insert');
  assert.deepEqual(Object.keys(row), [
    'id', 'name', 'instance_name', 'created_at', 'updated_at', 'route', 'service', 'consumer', 'config', 'protocols', 'enabled', 'tags',
  ]);
  assert.deepEqual(row.config, { minute: 5, policy: 'local', redis: { host: null, port: 6379 } });
  assert.deepEqual(row.protocols, ['grpc', 'grpcs', 'http', 'https']);
  assert.equal(row.enabled, true);
  assert.deepEqual(row.route, { id: ROUTE_ID });
  assert.equal(row.service, null);
});

test('plugin config errors nest under config', () => {
  const body = errorBody(plugins, { name: 'test-limiter', config: { minute: 0, extra: true } });
  assert.deepEqual(body.fields, { config: { extra: 'unknown field', minute: 'value must be greater than 0' } });
  assert.equal(body.message, '2 schema violations (config.extra: unknown field; config.minute: value must be greater than 0)');
  assert.deepEqual(errorBody(plugins, { name: 'test-limiter' }).fields,
    { config: { '@entity': ["at least one of these fields must be non-empty: 'minute'"] } });
});

test('plugin-level conditional on nested config fields', () => {
  const body = errorBody(plugins, { name: 'test-limiter', config: { minute: 1, policy: 'redis' } });
  assert.deepEqual(body.fields, {
    '@entity': ["failed conditional validation given value of field 'config.policy'"],
    config: { redis: { host: 'required field missing' } },
  });
});

test('no_consumer plugins reject a consumer scope; protocols narrowed', () => {
  const consumerId = '11111111-2222-4333-8444-555555555555';
  assert.deepEqual(errorBody(plugins, { name: 'test-auth', consumer: { id: consumerId } }).fields, { consumer: 'value must be null' });
  assert.deepEqual(errorBody(plugins, { name: 'test-auth', protocols: ['tcp'] }).fields,
    { protocols: ['expected one of: grpc, grpcs, http, https, ws, wss'] });
  const row = plugins.validate({ name: 'test-auth' }, 'insert');
  assert.deepEqual(row.config, { key_names: ['apikey'] });
});

test('PATCH without name reads it from the stored plugin; config merges', () => {
  const existing = plugins.validate({ name: 'test-limiter', config: { minute: 5, policy: 'local' } }, 'insert');
  const updated = plugins.validate({ config: { minute: 9 } }, 'update', existing);
  assert.equal(updated.name, 'test-limiter');
  assert.deepEqual(updated.config, { minute: 9, policy: 'local', redis: { host: null, port: 6379 } });
});

test('plugin metadata and registry round trip', () => {
  assert.equal(plugins.endpointKey, 'instance_name');
  assert.deepEqual(plugins.cacheKey, ['name', 'route', 'service', 'consumer']);
  assert.deepEqual(plugins.foreignKeys.map((f) => `${f.field}:${f.onDelete}`), ['route:cascade', 'service:cascade', 'consumer:cascade']);
  registerPluginSchema('test-temp', { config: { type: 'record', fields: {} } });
  assert.equal(getPluginSchema('test-temp')?.name, 'test-temp');
  unregisterPluginSchema('test-temp');
  assert.equal(getPluginSchema('test-temp'), undefined);
  assert.throws(() => registerPluginSchema('bad', { config: { type: 'string' } }), /config must be a record/);
});

test('/schemas/plugins/{name} renders the plugin\'s own schema', () => {
  const json = pluginSchemaJson('test-auth')!;
  assert.deepEqual(json.fields.map((f) => Object.keys(f as object)[0]), ['consumer', 'protocols', 'config']);
  assert.deepEqual((json.fields[0] as any).consumer, { type: 'foreign', reference: 'consumers', eq: null });
  assert.deepEqual((json.fields[2] as any).config, {
    type: 'record', required: true,
    fields: [{ key_names: { type: 'array', elements: { type: 'string' }, default: ['apikey'] } }],
  });
  assert.equal(pluginSchemaJson('nope-plugin'), null);
  assert.equal(pluginSchemaJson('test-limiter')!.entity_checks!.length, 1);
});

test('plugin protocols must meet the scoped route(s) protocols', () => {
  const plugin = { protocols: ['grpc', 'grpcs'], route: { id: ROUTE_ID } };
  assert.throws(() => checkPluginProtocols(plugin, { routeProtocols: ['http', 'https'] }), (err: any) => {
    assert.equal(err.message, "schema violation (protocols: must match the associated route's protocols)");
    return true;
  });
  checkPluginProtocols(plugin, { routeProtocols: ['grpcs'] });
  const onService = { protocols: ['http'], service: { id: ROUTE_ID } };
  assert.throws(() => checkPluginProtocols(onService, { serviceRoutesProtocols: [['tcp'], ['grpc']] }),
    /must match the protocols of at least one route pointing to this Plugin's service/);
  checkPluginProtocols(onService, { serviceRoutesProtocols: [] });
  checkPluginProtocols(onService, { serviceRoutesProtocols: [['tcp'], ['http', 'https']] });
});

test('PATCH words at_least_one_of as Kong validate_update does', () => {
  const existing = consumers.validate({ username: 'bob' }, 'insert');
  assert.deepEqual(errorBody(consumers, { username: null }, 'update', existing).fields,
    { '@entity': ["when updating, at least one of these fields must be non-empty: 'custom_id', 'username'"] });
  assert.equal(consumers.validate({ custom_id: 'c1', username: null }, 'update', existing).custom_id, 'c1');
});
