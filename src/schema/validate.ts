// Whole-entity validation in the three write modes of Kong's DAO (kong/db/dao/init.lua):
// insert (defaults + auto fields), upsert (PUT: full replace, defaults again), update (PATCH:
// input deep-merged onto the stored row, then validated as a whole).
import { applyCheckResult } from './entity-checks.ts';
import { messages } from './messages.ts';
import { mergeValues, processFields } from './process.ts';
import type { FieldMap, Schema, ValidateOptions, ValidationMode } from './types.ts';
import { isPlainObject, validateField } from './validate-field.ts';
import { validateFields } from './validate-fields.ts';
import { schemaViolation } from './violation.ts';

/** Expand input-only shorthand fields (Kong's `shorthand_fields`). */
export function expandShorthands(schema: Schema, input: Record<string, unknown>, errors: Record<string, unknown>): Record<string, unknown> {
  const shorthands = schema.shorthand_fields;
  if (!shorthands) return input;
  let out = input;
  for (const [name, shorthand] of Object.entries(shorthands)) {
    if (!Object.hasOwn(input, name)) continue;
    const value = input[name];
    if (out === input) out = { ...input };
    delete out[name];
    if (value === undefined) continue;
    const err = validateField(shorthand.field, value);
    if (err !== undefined) {
      errors[name] = err;
      continue;
    }
    Object.assign(out, shorthand.expand(value));
  }
  return out;
}

/** Keep schema keys only, in schema order; foreign keys shrink to `{id}` once resolved. */
function toOutput(fields: FieldMap, entity: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = entity[key];
    if (field.type === 'foreign' && isPlainObject(value) && typeof value.id === 'string') out[key] = { id: value.id };
    else if (field.type === 'record' && field.fields && isPlainObject(value)) out[key] = toOutput(field.fields, value);
    else out[key] = value;
  }
  return out;
}

/**
 * Validate `input` for a write and return the full row (nulls = true) or throw a
 * KongError(SCHEMA_VIOLATION) whose message and fields match Kong's.
 */
export function validateEntity(
  schema: Schema, input: unknown, mode: ValidationMode, options: ValidateOptions = {},
): Record<string, unknown> {
  if (!isPlainObject(input)) throw schemaViolation({ '@entity': [messages.BAD_INPUT] });
  const errors: Record<string, unknown> = {};
  let data = expandShorthands(schema, input, errors);
  const existing = options.existing;
  if (mode === 'update' && existing) {
    for (const [key, field] of Object.entries(schema.fields)) {
      if (field.immutable && data[key] !== undefined && JSON.stringify(data[key]) !== JSON.stringify(existing[key])) {
        errors[key] = messages.IMMUTABLE;
      }
    }
    // Only schema columns of the stored row take part (a stored `ttl` or store bookkeeping
    // must not surface as unknown fields).
    const stored: Record<string, unknown> = {};
    for (const key of Object.keys(schema.fields)) if (Object.hasOwn(existing, key)) stored[key] = existing[key];
    data = mergeValues(schema.fields, data, stored);
  }
  const now = options.now ?? Date.now() / 1000;
  const entity = processFields(schema.fields, data, mode, now);
  const fieldErrors = validateFields(schema.fields, schema.entity_checks ?? [], entity, { ...options, updating: mode === 'update' });
  Object.assign(errors, fieldErrors);
  if (schema.check) applyCheckResult(errors, schema.check(entity, errors));
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);
  return toOutput(schema.fields, entity);
}
