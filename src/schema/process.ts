// Defaults and auto fields, following Schema:process_auto_fields and handle_missing_field in
// kong/db/schema/init.lua, plus the schema-aware deep merge used by PATCH (merge_values).
import { newUuid } from '../core/ids.ts';
import type { FieldDef, FieldMap, ValidationMode } from './types.ts';
import { isPlainObject } from './validate-field.ts';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Kong's random_string(): 32 alphanumeric characters (kong/tools/rand.lua). */
export function randomString(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

function missingValue(field: FieldDef): unknown {
  if (field.default !== undefined) return structuredClone(field.default);
  if (field.required !== true) return null;
  if (field.type === 'record' && field.fields) return processFields(field.fields, {}, 'insert', 0);
  return undefined;
}

function dedupe(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * Output: schema fields first in declaration order (missing ones defaulted or null), then any
 * unknown input keys (so validation can report them). `now` is seconds with fraction.
 */
export function processFields(
  fields: FieldMap, input: Record<string, unknown>, mode: ValidationMode, now: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    let value = input[key];
    if (field.auto) {
      const creating = mode === 'insert' || mode === 'upsert';
      if (field.uuid) {
        if (creating && value === undefined) value = newUuid();
      } else if (field.type === 'string') {
        if (creating && value === undefined) value = randomString();
      } else if ((key === 'created_at' && creating && (value === undefined || value === null))
        || (key === 'updated_at')) {
        value = field.type === 'integer' ? Math.floor(now) : Math.floor(now * 1000) / 1000;
      }
    }
    if (field.type === 'record' && field.fields && isPlainObject(value)) {
      value = processFields(field.fields, value, mode, now);
    }
    if (value === undefined) value = missingValue(field);
    if (field.type === 'set' && Array.isArray(value)) value = dedupe(value);
    out[key] = value;
  }
  for (const [key, value] of Object.entries(input)) if (!Object.hasOwn(fields, key)) out[key] = value;
  return out;
}

/** merge_values: top wins; non-null records merge recursively; arrays/maps are replaced. */
export function mergeValues(fields: FieldMap, top: Record<string, unknown>, bottom: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...bottom, ...top };
  for (const [key, field] of Object.entries(fields)) {
    const t = top[key];
    if (t === undefined) continue;
    if (field.type === 'record' && field.fields && isPlainObject(t) && isPlainObject(bottom[key])) {
      out[key] = mergeValues(field.fields, t, bottom[key] as Record<string, unknown>);
    }
  }
  return out;
}
