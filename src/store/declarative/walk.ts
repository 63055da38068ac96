// Walks a parsed declarative document into a flat list of pending entities, each remembering
// where it sits in the input (for positional errors) and which parent it is nested under.
// Structural problems found on the way (a section that is not an array, an entry that is not a
// record, `_comment` that is not a string) go to the tree.
import type { ErrorTree, Slot } from './error-tree.ts';
import type { TableCatalog } from './tables.ts';

export interface PendingEntity {
  table: string;
  slot: Slot;
  /** The entry as given, without nested children, `_comment` and `_ignore`. */
  input: Record<string, unknown>;
  /** The full entry as given (for flattened errors). */
  raw: Record<string, unknown>;
  parent: { entity: PendingEntity; field: string } | null;
  /** Assigned before validation: given, deterministic (UUIDv5) or random. */
  id: string;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Assign an own property even for keys like `__proto__` (plain assignment would swap the
 * object's prototype instead), so such keys from a file reach validation as unknown fields.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Keys of `record` that are nested child sections of `table` (a non-transient field of the same name wins). */
function childSections(catalog: TableCatalog, table: string, record: Record<string, unknown>): Map<string, string> {
  const definition = catalog.get(table)!;
  const sections = new Map<string, string>();
  for (const child of catalog.childrenOf(table)) {
    if (!Object.hasOwn(record, child.table)) continue;
    const field = definition.schema.fields[child.table];
    if (field && !definition.transientFields.includes(child.table)) continue;
    sections.set(child.table, child.field);
  }
  return sections;
}

function checkExtraAttributes(record: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (record._comment !== undefined && record._comment !== null && typeof record._comment !== 'string') errors._comment = 'expected a string';
  if (record._ignore !== undefined && record._ignore !== null && !Array.isArray(record._ignore)) errors._ignore = 'expected an array';
  return errors;
}

export function walkSection(
  catalog: TableCatalog,
  table: string,
  entries: unknown[],
  slotPrefix: Slot,
  parent: { entity: PendingEntity; field: string } | null,
  errors: ErrorTree,
  out: PendingEntity[],
): void {
  entries.forEach((entry, index) => {
    const slot: Slot = [...slotPrefix, table, index];
    if (!isPlainRecord(entry)) {
      errors.addEntityMessage(slot, 'expected a record');
      return;
    }
    const children = childSections(catalog, table, entry);
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (key === '_comment' || key === '_ignore' || children.has(key)) continue;
      setOwn(input, key, value);
    }
    const fieldErrors = checkExtraAttributes(entry);
    if (Object.keys(fieldErrors).length > 0) errors.addFieldErrors(slot, fieldErrors);
    const pending: PendingEntity = { table, slot, input, raw: entry, parent, id: '' };
    out.push(pending);
    for (const [childTable, field] of children) {
      const value = entry[childTable];
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) {
        errors.addFieldErrors(slot, { [childTable]: 'expected an array' });
        continue;
      }
      walkSection(catalog, childTable, value, slot, { entity: pending, field }, errors, out);
    }
  });
}
