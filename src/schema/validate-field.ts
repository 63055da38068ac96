// Field-level validation, following Schema:validate_field in kong/db/schema/init.lua: null
// handling first, then the type check, then the validators in Kong's fixed order; the first
// failing validator wins. Aggregates report element errors by position, records nest.
import { isUuid } from '../core/ids.ts';
import { luaMatches } from './lua-pattern.ts';
import { messages, quotedList } from './messages.ts';
import type { FieldDef, FieldMap, ValidateOptions } from './types.ts';
import { validateFields } from './validate-fields.ts';
import { processFields } from './process.ts';

/** A field error: a message, per-position errors (arrays), or nested field errors (records). */
export type FieldError = string | Array<FieldError | null> | { [key: string]: unknown };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{vault://<prefix-or-name>/<secret>[/<key>]}` (kong/pdk/vault.lua is_reference). */
export function isVaultReference(value: string): boolean {
  return /^\{vault:\/\/[^{}]+\}$/.test(value);
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return 0;
}

function checkType(field: FieldDef, value: unknown): string | undefined {
  switch (field.type) {
    case 'string': return typeof value === 'string' ? undefined : messages.STRING;
    case 'integer': return Number.isInteger(value) ? undefined : messages.INTEGER;
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? undefined : messages.NUMBER;
    case 'boolean': return typeof value === 'boolean' ? undefined : messages.BOOLEAN;
    case 'array': return Array.isArray(value) ? undefined : messages.ARRAY;
    case 'set': return Array.isArray(value) ? undefined : messages.SET;
    case 'map': return isPlainObject(value) ? undefined : messages.MAP;
    case 'record': return isPlainObject(value) ? undefined : messages.RECORD;
    case 'foreign': return isPlainObject(value) ? undefined : messages.RECORD;
  }
}

/** The validators in Kong's `Schema.validators_order`; each returns an error or undefined. */
function runValidators(field: FieldDef, value: any): string | undefined {
  if (field.eq !== undefined && value !== field.eq) return messages.EQ(display(field.eq));
  if (field.ne !== undefined && value === field.ne) return messages.NE(display(value));
  if (field.not_one_of && field.not_one_of.includes(value)) return messages.NOT_ONE_OF(field.not_one_of.join(', '));
  if (field.one_of && !field.one_of.includes(value)) return messages.ONE_OF(field.one_of.join(', '));
  if (field.gt !== undefined && !(value > field.gt)) return messages.GT(String(field.gt));
  if (field.timestamp && !(value > 0)) return messages.TIMESTAMP;
  if (field.uuid && !isUuid(value)) return messages.UUID;
  if (field.between && (value < field.between[0] || value > field.between[1])) {
    return messages.BETWEEN(field.between[0], field.between[1]);
  }
  // Kong rejects empty strings unless a schema says otherwise (implicit len_min = 1).
  const lenMin = field.len_min ?? (field.type === 'string' ? 1 : undefined);
  if (field.len_eq !== undefined && lengthOf(value) !== field.len_eq) return messages.LEN_EQ(field.len_eq);
  if (lenMin !== undefined && lengthOf(value) < lenMin) return messages.LEN_MIN(lenMin);
  if (field.len_max !== undefined && lengthOf(value) > field.len_max) return messages.LEN_MAX(field.len_max);
  if (typeof value === 'string') {
    if (field.starts_with !== undefined && !value.startsWith(field.starts_with)) return messages.STARTS_WITH(field.starts_with);
    if (field.not_match !== undefined && luaMatches(value, field.not_match)) return messages.MATCH(value);
    for (const rule of field.match_none ?? []) if (luaMatches(value, rule.pattern)) return rule.err;
    if (field.match !== undefined && !luaMatches(value, field.match)) return messages.MATCH(value);
    for (const rule of field.match_all ?? []) if (!luaMatches(value, rule.pattern)) return rule.err;
    if (field.match_any && !field.match_any.patterns.some((p) => luaMatches(value, p))) return field.match_any.err;
  }
  if (field.contains !== undefined && Array.isArray(value) && !value.includes(field.contains)) {
    return messages.CONTAINS(display(field.contains));
  }
  if (field.custom_validator) {
    const result = field.custom_validator(value);
    if (result !== true) return typeof result === 'string' ? result : messages.VALIDATION(display(value));
  }
  if (field.mutually_exclusive_subsets && Array.isArray(value)) {
    const memberOf: Array<readonly string[]> = [];
    for (const element of value) {
      const subset = field.mutually_exclusive_subsets.find((s) => s.includes(element));
      if (subset && !memberOf.includes(subset)) memberOf.push(subset);
    }
    if (memberOf.length > 1) return messages.MUTUALLY_EXCLUSIVE_SETS(quotedList(memberOf));
  }
  return undefined;
}

function validateElements(field: FieldDef, values: unknown[], options: ValidateOptions): FieldError | undefined {
  const element = { ...field.elements!, required: true };
  const errors: Array<FieldError | null> = [];
  let failed = false;
  values.forEach((v, i) => {
    const err = validateField(element, v, options);
    errors[i] = err ?? null;
    if (err !== undefined) failed = true;
  });
  if (!failed) return undefined;
  // Kong keeps only the failing positions (a sparse Lua table); trailing passes add nothing.
  while (errors.length > 0 && errors[errors.length - 1] === null) errors.pop();
  return errors;
}

function validateForeign(field: FieldDef, value: Record<string, unknown>, options: ValidateOptions): FieldError | undefined {
  if (value.id === undefined) {
    // A foreign key may name the target by another unique field; the store resolves it.
    const unique = field.reference ? options.foreignUniqueFields?.(field.reference) ?? [] : [];
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => unique.includes(k))) return undefined;
    return { id: messages.MISSING_PK };
  }
  if (value.id === null) return { id: messages.REQUIRED };
  if (typeof value.id !== 'string') return { id: messages.STRING };
  if (!isUuid(value.id)) return { id: messages.UUID };
  return undefined;
}

/** Validate one value against its field definition; undefined when valid. */
export function validateField(field: FieldDef, value: unknown, options: ValidateOptions = {}): FieldError | undefined {
  if (value === null || value === undefined) {
    if (field.ne === null) return field.err ?? messages.NE('null');
    if (field.eq !== undefined && field.eq !== null) return messages.EQ(display(field.eq));
    if (field.required) return messages.REQUIRED;
    return undefined;
  }
  if (field.eq === null) return field.err ?? messages.EQ('null');
  const typeError = checkType(field, value);
  if (typeError) return typeError;
  // A vault reference stands in for a secret; it is resolved later, so validators do not apply.
  if (field.referenceable && typeof value === 'string' && isVaultReference(value)) return undefined;
  if (field.type === 'array' || field.type === 'set') {
    const err = validateElements(field, value as unknown[], options);
    if (err !== undefined) return err;
  } else if (field.type === 'map') {
    const keyField = { ...field.keys!, required: true };
    const valueField = { ...field.values!, required: true };
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const err = validateField(keyField, k, options) ?? validateField(valueField, v, options);
      if (err !== undefined) return err;
    }
  } else if (field.type === 'record') {
    // Like Kong, a record is validated on a copy with its defaults filled in.
    const copy = processFields(field.fields as FieldMap, value as Record<string, unknown>, 'insert', Date.now() / 1000);
    const err = validateFields(field.fields as FieldMap, field.entity_checks ?? [], copy, options);
    if (err) return err;
  } else if (field.type === 'foreign') {
    const err = validateForeign(field, value as Record<string, unknown>, options);
    if (err) return err;
    return undefined;
  }
  const failure = runValidators(field, value);
  return failure === undefined ? undefined : field.err ?? failure;
}
