import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineSchema, typedefs } from '../schema/index.ts';
import {
  defineEntity, entityDefinitions, foreignUniqueFields, getEntityDefinition, getEntityDefinitionByAdminPath,
  listEntityDefinitions, registerEntityDefinition,
} from './index.ts';
import { errorBody } from './test-helpers.ts';

const CONSUMER = { id: '6e5d4c3b-2a19-4f8e-9d7c-6b5a4f3e2d1c' };

const credentials = defineEntity({
  name: 'test_credentials',
  adminPath: 'test-creds',
  endpointKey: 'key',
  ttl: true,
  schema: defineSchema({
    name: 'test_credentials',
    fields: {
      id: typedefs.uuid,
      created_at: typedefs.auto_timestamp_s,
      consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
      key: { type: 'string', unique: true, auto: true },
      tags: typedefs.tags,
    },
  }),
});
registerEntityDefinition(credentials);

test('registry: lookups by name and admin path, plugin DAOs can join', () => {
  assert.equal(getEntityDefinition('test_credentials'), credentials);
  assert.equal(getEntityDefinitionByAdminPath('test-creds'), credentials);
  assert.equal(getEntityDefinitionByAdminPath('services'), entityDefinitions.services);
  assert.ok(listEntityDefinitions().length >= 10);
  assert.deepEqual(foreignUniqueFields('services'), ['name']);
  assert.deepEqual(foreignUniqueFields('consumers'), ['username', 'custom_id']);
  assert.deepEqual(foreignUniqueFields('unknown'), []);
});

test('metadata derived from the schema', () => {
  assert.deepEqual(credentials.uniqueFields, ['id', 'key']);
  assert.deepEqual(credentials.foreignKeys, [{ field: 'consumer', reference: 'consumers', onDelete: 'cascade' }]);
  assert.equal(credentials.hasTags, true);
  assert.deepEqual(entityDefinitions.routes.foreignKeys, [{ field: 'service', reference: 'services', onDelete: 'restrict' }]);
  assert.equal(entityDefinitions.routes.adminPath, 'routes');
  assert.deepEqual(Object.keys(entityDefinitions).sort(), [
    'ca_certificates', 'certificates', 'consumers', 'plugins', 'routes', 'services', 'snis', 'targets', 'upstreams',
  ]);
});

test('auto string fields get a 32-char random value; ttl is kept for the store', () => {
  const row = credentials.validate({ consumer: CONSUMER, ttl: 60 }, 'insert', undefined, { now: 1234.9 });
  assert.equal(row.created_at, 1234);
  assert.match(row.key as string, /^[A-Za-z0-9]{32}$/);
  assert.equal(row.ttl, 60);
  assert.deepEqual(row.consumer, CONSUMER);
  assert.equal('ttl' in credentials.validate({ consumer: { username: 'bob' } }, 'insert'), false);
});

test('bad ttl is an invalid option (code 11); ttl on other entities is an unknown field', () => {
  assert.throws(() => credentials.validate({ consumer: CONSUMER, ttl: -1 }, 'insert'), (err: any) => {
    assert.deepEqual(err.toJSON(), {
      code: 11, name: 'invalid options',
      message: 'invalid option (ttl: must be an integer between 0 and 100000000)',
      options: { ttl: 'must be an integer between 0 and 100000000' },
    });
    return true;
  });
  assert.deepEqual(errorBody(entityDefinitions.consumers, { username: 'x', ttl: 5 }).fields, { ttl: 'unknown field' });
});

test('PATCH of a row carrying ttl and store bookkeeping keys', () => {
  const stored: Record<string, unknown> & { id: string } = { ...credentials.validate({ consumer: CONSUMER, ttl: 60 }, 'insert'), ws_id: 'default' };
  const updated = credentials.validate({ tags: ['t'] }, 'update', stored);
  assert.deepEqual(updated.tags, ['t']);
  assert.equal(updated.key, stored.key);
  assert.equal('ws_id' in updated, false);
});
