import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KongError } from '../core/errors.ts';
import { defineSchema, typedefs, validateEntity } from './index.ts';
import type { Infer } from './index.ts';

const NOW = 1_700_000_000.5;

const schema = defineSchema({
  name: 'things',
  fields: {
    id: typedefs.uuid,
    created_at: typedefs.auto_timestamp_s,
    updated_at: typedefs.auto_timestamp_s,
    name: { type: 'string', required: true },
    kind: { type: 'string', one_of: ['a', 'b'], default: 'a' },
    count: { type: 'integer', between: [1, 10], default: 5 },
    ratio: { type: 'number' },
    flag: { type: 'boolean', required: true, default: false },
    labels: { type: 'set', elements: { type: 'string' } },
    list: { type: 'array', elements: { type: 'integer' } },
    meta: { type: 'map', keys: { type: 'string' }, values: { type: 'string' } },
    nested: {
      type: 'record', required: true,
      fields: { depth: { type: 'integer', default: 1 }, note: { type: 'string', len_max: 3 } },
    },
    owner: { type: 'foreign', reference: 'owners' },
    code: { type: 'string', immutable: true, starts_with: 'x' },
  },
});

function violation(input: unknown, mode: 'insert' | 'upsert' | 'update' = 'insert', existing?: Record<string, unknown>) {
  try {
    validateEntity(schema, input, mode, { now: NOW, existing });
  } catch (err) {
    assert.ok(err instanceof KongError);
    assert.equal(err.code, 2);
    return err.toJSON();
  }
  assert.fail('expected a schema violation');
}

test('insert fills defaults, auto fields and nulls in schema order', () => {
  const row = validateEntity(schema, { name: 'n', labels: ['x', 'y', 'x'] }, 'insert', { now: NOW });
  assert.deepEqual(Object.keys(row), Object.keys(schema.fields));
  assert.match(row.id as string, /^[0-9a-f-]{36}$/);
  assert.equal(row.created_at, 1_700_000_000);
  assert.equal(row.updated_at, 1_700_000_000);
  assert.equal(row.kind, 'a');
  assert.equal(row.count, 5);
  assert.equal(row.ratio, null);
  assert.equal(row.flag, false);
  assert.deepEqual(row.labels, ['x', 'y'], 'sets drop duplicates, keep first order');
  assert.equal(row.list, null);
  assert.deepEqual(row.nested, { depth: 1, note: null }, 'required record expands to its defaults');
  assert.equal(row.owner, null);
});

test('single error message and fields', () => {
  assert.deepEqual(violation({}), {
    code: 2, name: 'schema violation',
    message: 'schema violation (name: required field missing)',
    fields: { name: 'required field missing' },
  });
});

test('several errors are sorted by field name and counted', () => {
  const body = violation({ name: 1, kind: 'c', count: 11, zzz: true, flag: 'yes' });
  assert.equal(body.message,
    '5 schema violations (count: value should be between 1 and 10; flag: expected a boolean; kind: expected one of: a, b; name: expected a string; zzz: unknown field)');
  assert.deepEqual(Object.keys(body.fields as object), ['count', 'flag', 'kind', 'name', 'zzz']);
});

test('type errors for every kind of field', () => {
  const body = violation({ name: 'n', ratio: 'x', count: 1.5, labels: 'a', list: {}, meta: [], nested: 3, owner: 'o' });
  assert.deepEqual(body.fields, {
    count: 'expected an integer', labels: 'expected a set', list: 'expected an array', meta: 'expected a map',
    nested: 'expected a record', owner: 'expected a record', ratio: 'expected a number',
  });
});

test('empty strings are rejected by default (implicit len_min 1)', () => {
  assert.deepEqual(violation({ name: '' }).fields, { name: 'length must be at least 1' });
});

test('array element errors are positional and print 1-based', () => {
  const body = violation({ name: 'n', list: [1, 'two', 3, 'four'] });
  assert.deepEqual(body.fields, { list: [null, 'expected an integer', null, 'expected an integer'] });
  assert.equal(body.message, '2 schema violations (list.2: expected an integer; list.4: expected an integer)');
});

test('nested record errors nest in fields and print with a dot', () => {
  const body = violation({ name: 'n', nested: { note: 'long', extra: 1 } });
  assert.deepEqual(body.fields, { nested: { extra: 'unknown field', note: 'length must be at most 3' } });
  assert.equal(body.message, '2 schema violations (nested.extra: unknown field; nested.note: length must be at most 3)');
});

test('foreign keys: {id} validated, other keys need to be unique fields of the target', () => {
  assert.deepEqual(violation({ name: 'n', owner: { id: 'nope' } }).fields, { owner: { id: 'expected a valid UUID' } });
  assert.deepEqual(violation({ name: 'n', owner: { foo: 'x' } }).fields, { owner: { id: 'missing primary key' } });
  const row = validateEntity(schema, { name: 'n', owner: { name: 'bob' } }, 'insert', {
    now: NOW, foreignUniqueFields: () => ['name'],
  });
  assert.deepEqual(row.owner, { name: 'bob' }, 'left for the store to resolve');
  const id = '3f0a4a7e-3bb5-4d2a-9a53-3a0c1d1e9a11';
  const withId = validateEntity(schema, { name: 'n', owner: { id, name: 'x' } }, 'insert', { now: NOW, foreignUniqueFields: () => ['name'] });
  assert.deepEqual(withId.owner, { id }, 'output foreign keys are {id} only');
});

test('invalid id and non-object input', () => {
  assert.deepEqual(violation({ id: 'abc', name: 'n' }).fields, { id: 'expected a valid UUID' });
  assert.equal(violation([1]).message, 'schema violation (expected an input table)');
});

test('explicit null keeps the field unset; required null is missing', () => {
  const row = validateEntity(schema, { name: 'n', kind: null }, 'insert', { now: NOW });
  assert.equal(row.kind, null);
  assert.deepEqual(violation({ name: null }).fields, { name: 'required field missing' });
});

test('upsert re-stamps created_at when absent and keeps a given one', () => {
  const id = '3f0a4a7e-3bb5-4d2a-9a53-3a0c1d1e9a11';
  const fresh = validateEntity(schema, { id, name: 'n' }, 'upsert', { now: NOW });
  assert.equal(fresh.id, id);
  assert.equal(fresh.created_at, 1_700_000_000);
  const kept = validateEntity(schema, { id, name: 'n', created_at: 42 }, 'upsert', { now: NOW });
  assert.equal(kept.created_at, 42);
  assert.equal(kept.updated_at, 1_700_000_000);
});

test('update merges onto the existing row (records deep), re-stamps updated_at only', () => {
  const existing = validateEntity(schema, { name: 'n', count: 3, nested: { note: 'ab' }, code: 'x1' }, 'insert', { now: 100 });
  const updated = validateEntity(schema, { kind: 'b', nested: { depth: 7 } }, 'update', { now: NOW, existing });
  assert.equal(updated.id, existing.id);
  assert.equal(updated.created_at, 100);
  assert.equal(updated.updated_at, 1_700_000_000);
  assert.equal(updated.kind, 'b');
  assert.equal(updated.count, 3);
  assert.deepEqual(updated.nested, { depth: 7, note: 'ab' });
  assert.deepEqual(violation({ count: 0 }, 'update', existing).fields, { count: 'value should be between 1 and 10' });
});

test('immutable fields cannot change on update', () => {
  const existing = validateEntity(schema, { name: 'n', code: 'x1' }, 'insert', { now: NOW });
  assert.deepEqual(violation({ code: 'x2' }, 'update', existing).fields, { code: 'immutable field cannot be updated' });
  assert.equal(validateEntity(schema, { code: 'x1' }, 'update', { now: NOW, existing }).code, 'x1');
});

test('Infer<> gives the validated shape', () => {
  type Thing = Infer<typeof schema>;
  const row = validateEntity(schema, { name: 'n' }, 'insert', { now: NOW }) as Thing;
  const kind: 'a' | 'b' = row.kind;
  const ratio: number | null = row.ratio;
  const depth: number = row.nested.depth;
  assert.deepEqual([kind, ratio, depth], ['a', null, 1]);
});
