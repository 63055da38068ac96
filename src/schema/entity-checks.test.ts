import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KongError } from '../core/errors.ts';
import { defineSchema, validateEntity } from './index.ts';
import type { EntityCheck, FieldMap } from './index.ts';

const fields = {
  a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' },
  mode: { type: 'string', one_of: ['x', 'y'], default: 'x' },
  list: { type: 'array', elements: { type: 'string' } },
} as const satisfies FieldMap;

function errorsFor(check: EntityCheck, input: Record<string, unknown>): unknown {
  const schema = defineSchema({ name: 't', fields, entity_checks: [check] });
  try {
    validateEntity(schema, input, 'insert');
    return undefined;
  } catch (err) {
    assert.ok(err instanceof KongError);
    return err.toJSON();
  }
}

test('at_least_one_of', () => {
  assert.deepEqual(errorsFor({ at_least_one_of: ['a', 'b'] }, {}), {
    code: 2, name: 'schema violation',
    message: "schema violation (at least one of these fields must be non-empty: 'a', 'b')",
    fields: { '@entity': ["at least one of these fields must be non-empty: 'a', 'b'"] },
  });
  assert.equal(errorsFor({ at_least_one_of: ['a', 'b'] }, { b: 'v' }), undefined);
  // An empty array counts as empty (Kong's is_nonempty).
  assert.notEqual(errorsFor({ at_least_one_of: ['list'] }, { list: [] }), undefined);
});

test('only_one_of, distinct', () => {
  assert.deepEqual((errorsFor({ only_one_of: ['a', 'b'] }, { a: '1', b: '2' }) as any).fields,
    { '@entity': ["exactly one of these fields must be non-empty: 'a', 'b'"] });
  assert.equal(errorsFor({ only_one_of: ['a', 'b'] }, { a: '1' }), undefined);
  assert.deepEqual((errorsFor({ distinct: ['a', 'b'] }, { a: 'v', b: 'v' }) as any).fields,
    { '@entity': ["values of these fields must be distinct: 'a', 'b'"] });
  assert.equal(errorsFor({ distinct: ['a', 'b'] }, { a: 'v', b: 'w' }), undefined);
});

test('mutually_required, mutually_exclusive, mutually_exclusive_sets', () => {
  assert.deepEqual((errorsFor({ mutually_required: ['a', 'b'] }, { a: '1' }) as any).fields,
    { '@entity': ["all or none of these fields must be set: 'a', 'b'"] });
  assert.equal(errorsFor({ mutually_required: ['a', 'b'] }, {}), undefined);
  assert.deepEqual((errorsFor({ mutually_exclusive: ['a', 'b'] }, { a: '1', b: '2' }) as any).fields,
    { '@entity': ["only one or none of these fields must be set: 'a', 'b'"] });
  assert.deepEqual(
    (errorsFor({ mutually_exclusive_sets: { set1: ['a'], set2: ['b', 'c'] } }, { a: '1', c: '3' }) as any).fields,
    { '@entity': ["these sets are mutually exclusive: ('a'), ('c')"] });
});

test('conditional adds the @entity line and the field error', () => {
  const check: EntityCheck = {
    conditional: { if_field: 'mode', if_match: { one_of: ['y'] }, then_field: 'a', then_match: { required: true } },
  };
  const body = errorsFor(check, { mode: 'y' }) as any;
  assert.equal(body.message,
    "2 schema violations (failed conditional validation given value of field 'mode'; a: required field missing)");
  assert.deepEqual(body.fields, { '@entity': ["failed conditional validation given value of field 'mode'"], a: 'required field missing' });
  assert.equal(errorsFor(check, { mode: 'x' }), undefined);
  const withErr: EntityCheck = {
    conditional: { if_field: 'mode', if_match: { one_of: ['x'] }, then_field: 'b', then_match: { eq: null }, then_err: 'no b with %s' },
  };
  assert.deepEqual((errorsFor(withErr, { b: 'v' }) as any).fields, { '@entity': ['no b with mode'], b: 'value must be null' });
});

test('conditional_at_least_one_of with then/else branches', () => {
  const check: EntityCheck = {
    conditional_at_least_one_of: {
      if_field: 'mode', if_match: { one_of: ['y'] }, then_at_least_one_of: ['a', 'b'], then_err: 'need %s for y',
      else_match: { one_of: ['x'] }, else_then_at_least_one_of: ['c'], else_then_err: 'need %s for x',
    },
  };
  assert.deepEqual((errorsFor(check, { mode: 'y' }) as any).fields, { '@entity': ["need 'a', 'b' for y"] });
  assert.deepEqual((errorsFor(check, {}) as any).fields, { '@entity': ["need 'c' for x"] });
  assert.equal(errorsFor(check, { c: 'v' }), undefined);
});

test('custom_entity_check is skipped when its fields already failed', () => {
  let calls = 0;
  const check: EntityCheck = {
    custom_entity_check: { field_sources: ['a'], fn: (e) => { calls++; return e.a === 'bad' ? 'a is bad' : true; } },
  };
  assert.deepEqual((errorsFor(check, { a: 'bad' }) as any).fields, { '@entity': ['a is bad'] });
  assert.deepEqual((errorsFor(check, { a: 5 }) as any).fields, { a: 'expected a string' });
  assert.equal(calls, 1, 'not run on an invalid field');
  assert.deepEqual((errorsFor({
    custom_entity_check: { field_sources: ['a'], fn: () => ({ b: 'b is wrong', '@entity': ['whole thing'] }) },
  }, { a: 'x' }) as any).fields, { '@entity': ['whole thing'], b: 'b is wrong' });
});

test('entity errors come first in the message', () => {
  const body = errorsFor({ at_least_one_of: ['a', 'b'] }, { mode: 'z' }) as any;
  assert.equal(body.message,
    "2 schema violations (at least one of these fields must be non-empty: 'a', 'b'; mode: expected one of: x, y)");
});
