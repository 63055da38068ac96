// Schema-driven inference of form/query values (Kong's `infer_value` in kong/api/arguments.lua).
// Form fields arrive as strings; the target schema decides what they become: "true"/"false" →
// booleans, numeric strings → numbers, a scalar for an array/set → one-element array, and an
// empty string → null. JSON bodies are never inferred. Works on the `/schemas` JSON shape
// (`{fields: [{name: {type, elements, fields, values}}]}`), the stable wire form of a schema.

export interface FieldJson {
  type?: string;
  elements?: FieldJson;
  values?: FieldJson;
  fields?: Array<Record<string, FieldJson>>;
  abstract?: boolean;
  [key: string]: unknown;
}

export interface SchemaJson {
  fields?: Array<Record<string, FieldJson>>;
  [key: string]: unknown;
}

function fieldsByName(list: Array<Record<string, FieldJson>> | undefined): Map<string, FieldJson> {
  const map = new Map<string, FieldJson>();
  for (const entry of list ?? []) {
    for (const [name, field] of Object.entries(entry)) map.set(name, field);
  }
  return map;
}

function inferValue(value: unknown, field: FieldJson | undefined): unknown {
  if (value === undefined || value === null || !field) return value;
  if (value === '') return null;
  switch (field.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'string') return value;
      // Lua's tonumber accepts surrounding spaces but not an empty string (handled above).
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean':
      if (value === 'true') return true;
      if (value === 'false') return false;
      return value;
    case 'array':
    case 'set': {
      const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value) : [value];
      return list.map((item) => inferValue(item, field.elements));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = inferValue(v, field.values);
      return out;
    }
    case 'record':
    case 'foreign': {
      if (typeof value !== 'object' || Array.isArray(value) || field.abstract === true) return value;
      // Foreign keys are shown as `{type: foreign}` only; their keys (id, name…) stay strings.
      return field.type === 'foreign' ? value : inferObject(value as Record<string, unknown>, field.fields);
    }
    default:
      return value;
  }
}

function inferObject(input: Record<string, unknown>, fields: Array<Record<string, FieldJson>> | undefined): Record<string, unknown> {
  const byName = fieldsByName(fields);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) out[name] = inferValue(value, byName.get(name));
  return out;
}

/** Infers every known field of `input`; unknown fields pass through for the validator to reject. */
export function inferArgs(input: Record<string, unknown>, schema: SchemaJson): Record<string, unknown> {
  return inferObject(input, schema.fields);
}
