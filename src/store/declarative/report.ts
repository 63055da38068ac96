// A readable report of a declarative-config error for the CLI (`kong config parse`, start-up):
// one line per problem with its position in the file, e.g. `services[0].host: required field missing`.
import { ErrorCode } from '../../core/errors.ts';
import type { KongError } from '../../core/errors.ts';
import type { FlattenedError } from './flatten-errors.ts';

function isNode(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One slot of the error tree: a message, a list of messages (references) or an object of
 * field errors; every array under a key is positional (sections, child sections, elements).
 */
function collect(value: unknown, path: string, lines: string[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    lines.push(path === '' ? value : `${path}: ${value}`);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, path, lines);
  } else if (isNode(value)) {
    for (const key of Object.keys(value).sort((a, b) => (a === '@entity' ? -1 : b === '@entity' ? 1 : a < b ? -1 : 1))) {
      const inner = value[key];
      if (key === '@entity') {
        collect(inner, path, lines);
      } else if (Array.isArray(inner)) {
        inner.forEach((item, i) => collect(item, `${path === '' ? '' : `${path}.`}${key}[${i}]`, lines));
      } else {
        collect(inner, path === '' ? key : `${path}.${key}`, lines);
      }
    }
  }
}

/** Lines for errors already flattened (flatten_errors): the entity named by type and name or id. */
function collectFlattened(items: unknown, lines: string[]): void {
  if (!Array.isArray(items)) return;
  for (const item of items as FlattenedError[]) {
    const who = item.entity_name ?? item.entity_id;
    const label = who === undefined ? item.entity_type : `${item.entity_type} '${who}'`;
    for (const error of item.errors) {
      lines.push(error.type === 'field' ? `${label} ${error.field}: ${error.message}` : `${label}: ${error.message}`);
    }
  }
}

export function formatDeclarativeErrors(err: KongError): string {
  if (err.code !== ErrorCode.DECLARATIVE_CONFIG) return err.message;
  const lines: string[] = [];
  collect(err.fields ?? {}, '', lines);
  collectFlattened(err.extra?.flattened_errors, lines);
  if (lines.length === 0) return err.message;
  const title = lines.length === 1 ? 'declarative config is invalid:' : `declarative config is invalid (${lines.length} errors):`;
  return [title, ...lines.map((line) => `  ${line}`)].join('\n');
}
