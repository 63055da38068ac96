// The five request-transformer operations over one "bag" of named values (headers, query
// arguments, JSON or form body fields), in Kong's order: remove → rename → replace (only if
// present) → add (only if absent) → append (turn into a list).
import { renderTemplate, type CompiledTemplate, type TemplateEnvironment } from './template.ts';

/**
 * One compiled `name:value` entry (rename: value is the new name).
 * @example
 * const entry: Entry = { name: 'x-a', value: compileTemplate('1') };
 */
export interface Entry { name: string; value: CompiledTemplate; raw: string }

/**
 * The compiled entries of one target (headers, querystring or body).
 * @example
 * const ops: Operations = { remove: ['a'], rename: [], replace: [], add: [], append: [] };
 */
export interface Operations {
  remove: string[];
  rename: Entry[];
  replace: Entry[];
  add: Entry[];
  append: Entry[];
}

export type Bag = Map<string, unknown>;

/** Kong's append_value: a string becomes a pair, a list grows, anything else is replaced by a one-item list. */
export function appendValue(current: unknown, value: string): unknown[] {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) return [...current, value];
  return [value];
}

export function hasOperations(operations: Operations): boolean {
  return operations.remove.length + operations.rename.length + operations.replace.length + operations.add.length + operations.append.length > 0;
}

/**
 * Applies the operations to `bag` in place. `key` normalises names (header names are
 * case-insensitive); `replaceAlways`/`neverAdd` carry Kong's host-header exceptions.
 * @example
 * applyOperations(bag, operations, environment, { key: (name) => name });
 */
export function applyOperations(
  bag: Bag, operations: Operations, environment: TemplateEnvironment,
  options: { key: (name: string) => string; replaceAlways?: (name: string) => boolean; neverAdd?: (name: string) => boolean },
): void {
  const { key } = options;
  for (const name of operations.remove) bag.delete(key(name));
  for (const entry of operations.rename) {
    const from = key(entry.name);
    if (!bag.has(from)) continue;
    const value = bag.get(from);
    bag.delete(from);
    bag.set(key(entry.raw), value);
  }
  for (const entry of operations.replace) {
    const name = key(entry.name);
    if (bag.has(name) || options.replaceAlways?.(name)) bag.set(name, renderTemplate(entry.value, environment));
  }
  for (const entry of operations.add) {
    const name = key(entry.name);
    if (!bag.has(name) && !options.neverAdd?.(name)) bag.set(name, renderTemplate(entry.value, environment));
  }
  for (const entry of operations.append) {
    const name = key(entry.name);
    bag.set(name, appendValue(bag.get(name), renderTemplate(entry.value, environment)));
  }
}
