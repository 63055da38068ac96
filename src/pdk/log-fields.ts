// Custom fields for the logging plugins. Kong's `custom_fields_by_lua` runs Lua in a sandbox and
// stores each result with kong.log.set_serialize_value (dotted keys nest, `\.` escapes a dot).
// Portico runs no Lua: `custom_fields_by_lua` accepts only constant returns (`return nil`,
// strings, numbers, booleans) and the Portico field `custom_fields` takes safe templates where
// `$(path.in.the.log.entry)` is replaced by that value of the serialized entry. Nothing is
// evaluated as code.

const LUA_CONSTANT = /^\s*return\s+(nil|true|false|-?\d+(?:\.\d+)?|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*;?\s*$/;
const TEMPLATE_PART = /\$\(([^)]+)\)/g;
const WHOLE_TEMPLATE = /^\$\(([^)]+)\)$/;

/**
 * Kong's constant-return Lua snippets decoded, or an error message for anything else.
 * @example
 * luaConstant('return "x"'); // { value: 'x' }
 */
export function luaConstant(code: string): { value: unknown } | { error: string } {
  const match = LUA_CONSTANT.exec(code);
  if (match === null) return { error: 'only constant returns are supported (Portico runs no Lua); use custom_fields templates' };
  const literal = match[1]!;
  if (literal === 'nil') return { value: undefined };
  if (literal === 'true' || literal === 'false') return { value: literal === 'true' };
  const quoted = match[2] ?? match[3];
  if (quoted !== undefined) return { value: quoted.replace(/\\(.)/g, '$1') };
  return { value: Number(literal) };
}

/** Validator for a `custom_fields_by_lua` map value. */
export function validateLuaConstant(code: string): true | string {
  const result = luaConstant(code);
  return 'error' in result ? result.error : true;
}

/** `a.b\.c` → ['a', 'b.c'] (Kong's set_serialize_value key syntax). */
function keyPath(key: string): string[] {
  return key.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'));
}

function lookup(entry: Record<string, unknown>, path: string): unknown {
  let value: unknown = entry;
  for (const part of keyPath(path.trim())) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * kong.log.set_serialize_value (mode `set`): a dotted key creates nested objects; undefined deletes.
 * @example
 * setSerializeValue(entry, 'request.headers.x-env', 'prod');
 */
export function setSerializeValue(entry: Record<string, unknown>, key: string, value: unknown): void {
  const parts = keyPath(key);
  let target = entry;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

/**
 * Expands one template against the entry: a lone `$(x)` keeps the value's type.
 * @example
 * renderTemplate('$(request.method) $(request.uri)', entry); // 'GET /x'
 */
export function renderTemplate(template: string, entry: Record<string, unknown>): unknown {
  const whole = WHOLE_TEMPLATE.exec(template);
  if (whole !== null) return lookup(entry, whole[1]!);
  return template.replace(TEMPLATE_PART, (_all, path: string) => {
    const value = lookup(entry, path);
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/**
 * Applies `custom_fields_by_lua` constants, then `custom_fields` templates (both optional).
 * @example
 * applyCustomFields(entry, { custom_fields: { 'env': 'prod', 'who': '$(consumer.username)' } });
 */
export function applyCustomFields(
  entry: Record<string, unknown>,
  conf: { custom_fields_by_lua?: Record<string, string> | null; custom_fields?: Record<string, string> | null },
): Record<string, unknown> {
  for (const [key, code] of Object.entries(conf.custom_fields_by_lua ?? {})) {
    const result = luaConstant(code);
    if ('value' in result) setSerializeValue(entry, key, result.value);
  }
  // Templates read the entry as it was before any of them was applied.
  const templates = Object.entries(conf.custom_fields ?? {});
  const values = templates.map(([, template]) => renderTemplate(template, entry));
  templates.forEach(([key], index) => setSerializeValue(entry, key, values[index]));
  return entry;
}

/**
 * The two schema fields every Kong logger carries (plus Portico's `custom_fields`).
 * @example
 * fields: { path: …, ...customFieldsSchema }
 */
export const customFieldsSchema = {
  custom_fields_by_lua: {
    type: 'map',
    description: 'Kong compatibility: only constant returns (`return nil`, strings, numbers, booleans) are accepted; Portico runs no Lua. Use custom_fields for values taken from the log entry.',
    keys: { type: 'string', len_min: 1 },
    values: { type: 'string', len_min: 1, custom_validator: validateLuaConstant },
  },
  custom_fields: {
    type: 'map',
    description: 'Portico: log entry fields to set (dotted keys nest) from safe templates; `$(request.headers.x-id)` is replaced by that value of the serialized entry. Nothing is evaluated as code.',
    keys: { type: 'string', len_min: 1 },
    values: { type: 'string' },
  },
} as const;
