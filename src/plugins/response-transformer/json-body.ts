// JSON body edits of response-transformer (kong/plugins/response-transformer/body_transformer.lua):
// remove → rename → replace (if the key exists) → add (if absent) → append (into a list). Values
// are the configured text, cast per `json_types` at the same position.

/**
 * One `key:value` entry with its cast type.
 * @example
 * const entry: JsonEntry = { name: 'count', value: '3', type: 'number' };
 */
export interface JsonEntry { name: string; value: string; type: string | undefined }

/**
 * The compiled JSON operations.
 * @example
 * const ops: JsonOperations = { remove: ['secret'], rename: [], replace: [], add: [], append: [] };
 */
export interface JsonOperations {
  remove: string[];
  rename: Array<[string, string]>;
  replace: JsonEntry[];
  add: JsonEntry[];
  append: JsonEntry[];
}

/** Kong's cast_value: numbers via tonumber (nil when not numeric), booleans are `"true"` or not. */
function cast(entry: JsonEntry): unknown {
  if (entry.type === 'number') {
    const number = Number(entry.value);
    return entry.value.trim() === '' || Number.isNaN(number) ? undefined : number;
  }
  if (entry.type === 'boolean') return entry.value.toLowerCase() === 'true';
  return entry.value;
}

function appendValue(current: unknown, value: unknown): unknown[] {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) return [...current, value];
  return [value];
}

/**
 * The transformed body, or null when it is not a JSON object (left as is).
 * @example
 * transformJsonBody('{"a":1}', { remove: ['a'], rename: [], replace: [], add: [], append: [] }); // '{}'
 */
export function transformJsonBody(text: string, operations: JsonOperations): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const json = body as Record<string, unknown>;
  for (const name of operations.remove) delete json[name];
  for (const [from, to] of operations.rename) {
    if (json[from] === undefined || json[from] === null) continue;
    json[to] = json[from];
    delete json[from];
  }
  for (const entry of operations.replace) {
    const value = cast(entry);
    if (json[entry.name] !== undefined && json[entry.name] !== null && value !== undefined) json[entry.name] = value;
  }
  for (const entry of operations.add) {
    const value = cast(entry);
    if ((json[entry.name] === undefined || json[entry.name] === null) && value !== undefined) json[entry.name] = value;
  }
  for (const entry of operations.append) {
    const value = cast(entry);
    if (value !== undefined) json[entry.name] = appendValue(json[entry.name], value);
  }
  return JSON.stringify(json);
}
