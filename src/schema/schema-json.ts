// Kong's `/schemas/{entity}` JSON: `fields` as an array of single-key objects in declaration
// order, functions (custom validators, check functions) dropped — as cjson would skip them —
// and nested elements/keys/values/records rendered the same way.
import type { EntityCheck, FieldDef, FieldMap, Schema } from './types.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function toJsonable(value: unknown): Json | undefined {
  if (typeof value === 'function' || value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) return value.map((v) => toJsonable(v) ?? null);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    const j = toJsonable(v);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

export function fieldToJson(field: FieldDef): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(field)) {
    if (key === 'fields') out.fields = fieldsToJson(value as FieldMap);
    else if (key === 'entity_checks') out.entity_checks = entityChecksToJson(value as EntityCheck[]);
    else if (key === 'elements' || key === 'keys' || key === 'values') out[key] = fieldToJson(value as FieldDef);
    else {
      const j = toJsonable(value);
      if (j !== undefined) out[key] = j;
    }
  }
  return out;
}

export function fieldsToJson(fields: FieldMap): Json[] {
  return Object.entries(fields).map(([name, def]) => ({ [name]: fieldToJson(def) }));
}

/** Kong omits `custom_entity_check` entries: they are Lua functions (Kong PR #11108). */
export function entityChecksToJson(checks: readonly EntityCheck[]): Json[] {
  return checks.filter((c) => !('custom_entity_check' in c)).map((c) => toJsonable(c) ?? null);
}

export function toKongSchemaJson(schema: Schema): { fields: Json[]; entity_checks?: Json[] } {
  const out: { fields: Json[]; entity_checks?: Json[] } = { fields: fieldsToJson(schema.fields) };
  if (schema.entity_checks) out.entity_checks = entityChecksToJson(schema.entity_checks);
  return out;
}
