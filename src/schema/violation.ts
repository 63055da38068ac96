// Kong's schema-violation err_t (kong/db/errors.lua `schema_violation`): entity-level lines
// first, then field errors by sorted name; one level of nesting prints as `parent.child: msg`
// (array positions are 1-based, as in Lua), deeper tables in pl.pretty style.
import { ErrorCode, KongError } from '../core/errors.ts';
import { isPlainObject } from './validate-field.ts';

/** pl.pretty.write with its default two-space indent: how Kong prints a nested error table. */
export function luaPretty(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  const entries = Array.isArray(value)
    ? value.filter((v) => v !== null && v !== undefined).map((v) => luaPretty(v, inner))
    : Object.keys(value).sort().map((k) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `["${k}"]`} = ${luaPretty((value as Record<string, unknown>)[k], inner)}`);
  return `{\n${entries.map((e) => `${inner}${e}`).join(',\n')}\n${indent}}`;
}

function subEntries(value: object): Array<[string, unknown]> {
  if (Array.isArray(value)) {
    return value.flatMap((v, i): Array<[string, unknown]> => (v === null || v === undefined ? [] : [[String(i + 1), v]]));
  }
  return Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]);
}

export function schemaViolationMessage(errors: Record<string, unknown>): string {
  const lines: string[] = [];
  const entity = errors['@entity'];
  if (Array.isArray(entity)) lines.push(...entity.map(String));
  for (const name of Object.keys(errors).sort()) {
    if (name === '@entity') continue;
    const value = errors[name];
    if (typeof value === 'object' && value !== null) {
      for (const [sub, v] of subEntries(value)) {
        lines.push(`${name}.${sub}: ${typeof v === 'object' && v !== null ? luaPretty(v) : String(v)}`);
      }
    } else {
      lines.push(`${name}: ${String(value)}`);
    }
  }
  return lines.length === 1 ? `schema violation (${lines[0]})` : `${lines.length} schema violations (${lines.join('; ')})`;
}

/** Orders an error table as Kong's JSON shows it: `@entity` first, then names sorted. */
function orderErrors(errors: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (errors['@entity'] !== undefined) out['@entity'] = errors['@entity'];
  for (const key of Object.keys(errors).sort()) {
    if (key === '@entity') continue;
    const v = errors[key];
    out[key] = isPlainObject(v) ? orderErrors(v) : v;
  }
  return out;
}

/** Build the KongError (code 2) for a field error table. */
export function schemaViolation(errors: Record<string, unknown>): KongError {
  const ordered = orderErrors(errors);
  return new KongError(ErrorCode.SCHEMA_VIOLATION, schemaViolationMessage(ordered), ordered);
}
