import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferArgs } from './infer.ts';
import type { SchemaJson } from './infer.ts';

const schema: SchemaJson = {
  fields: [
    { port: { type: 'integer' } },
    { enabled: { type: 'boolean' } },
    { paths: { type: 'array', elements: { type: 'string' } } },
    { codes: { type: 'set', elements: { type: 'integer' } } },
    { name: { type: 'string' } },
    { service: { type: 'foreign', reference: 'services' } },
    { healthchecks: { type: 'record', fields: [{ threshold: { type: 'number' } }] } },
    { headers: { type: 'map', keys: { type: 'string' }, values: { type: 'array', elements: { type: 'string' } } } },
  ],
};

test('form strings become numbers, booleans, arrays and nulls per the schema', () => {
  const out = inferArgs({
    port: '8080', enabled: 'false', paths: '/x', codes: ['200', '201'], name: '', service: { id: 'abc' },
    healthchecks: { threshold: '2.5' }, headers: { 'x-a': 'b' }, unknown: '1',
  }, schema);
  assert.deepEqual(out, {
    port: 8080, enabled: false, paths: ['/x'], codes: [200, 201], name: null, service: { id: 'abc' },
    healthchecks: { threshold: 2.5 }, headers: { 'x-a': ['b'] }, unknown: '1',
  });
});

test('values that do not convert are left for the validator to reject', () => {
  assert.deepEqual(inferArgs({ port: 'eighty', enabled: 'yes', name: '0' }, schema), { port: 'eighty', enabled: 'yes', name: '0' });
});
