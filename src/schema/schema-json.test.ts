import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineSchema, toKongSchemaJson, typedefs } from './index.ts';

test('fields are single-key objects in declaration order, functions dropped', () => {
  const json = toKongSchemaJson(defineSchema({
    name: 'x',
    fields: {
      id: typedefs.uuid,
      name: { type: 'string', required: true, custom_validator: () => true },
      conf: { type: 'record', fields: { n: { type: 'integer', default: 1 } } },
      list: { type: 'array', elements: typedefs.host },
    },
  }));
  assert.deepEqual(json, {
    fields: [
      { id: { type: 'string', uuid: true, auto: true } },
      { name: { type: 'string', required: true } },
      { conf: { type: 'record', fields: [{ n: { type: 'integer', default: 1 } }] } },
      { list: { type: 'array', elements: { type: 'string' } } },
    ],
  });
  assert.equal('entity_checks' in json, false);
});
