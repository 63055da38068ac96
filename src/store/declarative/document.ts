// Document-level checks of a declarative config (the `declarative_config` record schema):
// `_format_version` required and one of 1.1/2.1/3.0, `_transform` boolean (default true),
// `_comment` string, `_ignore` array, one array per known entity table, nothing else.
import type { ErrorTree } from './error-tree.ts';
import type { TableCatalog } from './tables.ts';

export const FORMAT_VERSIONS = ['1.1', '2.1', '3.0'] as const;

export interface DocumentMeta {
  /** Null when `_format_version` is invalid (the error is in the tree). */
  formatVersion: string | null;
  transform: boolean;
}

export function checkDocument(document: Record<string, unknown>, catalog: TableCatalog, errors: ErrorTree): DocumentMeta {
  const meta: DocumentMeta = { formatVersion: null, transform: true };
  const version = document._format_version;
  if (version === undefined || version === null) {
    errors.setTopLevel('_format_version', 'required field missing');
  } else if (typeof version !== 'string') {
    errors.setTopLevel('_format_version', 'expected a string');
  } else if (!(FORMAT_VERSIONS as readonly string[]).includes(version)) {
    errors.setTopLevel('_format_version', `expected one of: ${FORMAT_VERSIONS.join(', ')}`);
  } else {
    meta.formatVersion = version;
  }
  for (const [key, value] of Object.entries(document)) {
    if (key === '_format_version' || value === null) continue;
    if (key === '_transform') {
      if (typeof value === 'boolean') meta.transform = value;
      else errors.setTopLevel(key, 'expected a boolean');
    } else if (key === '_comment') {
      if (typeof value !== 'string') errors.setTopLevel(key, 'expected a string');
    } else if (key === '_ignore') {
      if (!Array.isArray(value)) errors.setTopLevel(key, 'expected an array');
    } else if (catalog.get(key)) {
      if (!Array.isArray(value)) errors.setTopLevel(key, 'expected an array');
    } else {
      errors.setTopLevel(key, 'unknown field');
    }
  }
  return meta;
}
